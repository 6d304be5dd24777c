"""``eval edits``: a git history replayed: after a first rename, are the next edits the other hunks."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ghostline.engine.document import Document
from ghostline.engine.edits import EditLog
from ghostline.engine.edits import Hunk as LogHunk
from ghostline.engine.nextedit.predict import next_edits
from ghostline.engine.nextedit.rename import renamed
from ghostline.eval.history import Change, changes

LANGUAGES = {"python", "javascript", "typescript", "tsx", "rust", "go", "java"}
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Case:
    """A commit's change to one file whose first hunk renames a name: the file after it, and the truth."""

    change: Change
    first: int
    """Index of the renaming hunk."""
    old: str
    new: str


def cases(repo: Path, commits: int = 400) -> list[Case]:
    """The changes whose first hunk that changes code renames one name, with at least one hunk after it."""
    found = []
    for change in changes(repo, LANGUAGES, commits):
        if len(change.hunks) < 2:
            continue
        hunk = change.hunks[0]
        if len(hunk.old) != len(hunk.new) or not hunk.old:
            continue
        name = renamed(LogHunk("", 0, "\n".join(hunk.old), "\n".join(hunk.new), 0.0, 0.0))
        if name is not None:
            found.append(Case(change, 0, name[1], name[2]))
    return found


def truth(case: Case) -> set[tuple[int, int]]:
    """(line, column) in the file after the first hunk of each place the commit renames ``old`` to ``new``."""
    places = set()
    for hunk in case.change.hunks[case.first + 1 :]:
        if len(hunk.old) != len(hunk.new):
            continue
        for offset, (was, now) in enumerate(zip(hunk.old, hunk.new, strict=True)):
            places |= {(hunk.start + offset, col) for col in _renamed_at(was, now, case.old, case.new)}
    return places


def replay(case: Case) -> tuple[list[tuple[int, int]], float]:
    """The next edits Ghostline offers after the first hunk (as (line, column)), and the time they took."""
    change, hunk = case.change, case.change.hunks[case.first]
    text = change.apply([hunk])
    doc = Document(f"file:///replay/{change.path}", change.before, language_id=change.language)
    log = EditLog()
    start = doc.line_start(hunk.start)
    last = hunk.start + len(hunk.old) - 1
    end = doc.line_start(last) + len(doc.line(last))
    new = "\n".join(hunk.new)
    log.record(doc.uri, doc.text, start, end, new)
    doc.apply_change(new, doc.position_at(start), doc.position_at(end))
    doc.reparse()
    assert doc.text == text
    began = time.perf_counter()
    edits = next_edits(doc, log, start + len(new))
    took = (time.perf_counter() - began) * 1000
    rows = [doc.row_of(edit.start) for edit in edits]
    return [(row, edit.start - doc.line_start(row)) for row, edit in zip(rows, edits, strict=True)], took


def run(repos: list[Path], commits: int = 400, progress: Progress | None = None) -> dict[str, Any]:
    """Every rename case of every repository replayed; precision, recall, exact cases, silence, latency."""
    per_repo: dict[str, dict[str, Any]] = {}
    rows = []
    for repo in repos:
        found = cases(repo, commits)
        stats = {"cases": len(found), "shown": 0, "matched": 0, "real": 0, "exact": 0, "silent": 0}
        times = []
        for i, case in enumerate(found, 1):
            want = truth(case)
            got, took = replay(case)
            times.append(took)
            matched = len(set(got) & want)
            stats["shown"] += len(got)
            stats["matched"] += matched
            stats["real"] += len(want)
            stats["exact"] += set(got) == want
            stats["silent"] += not got
            rows.append({"repo": repo.name, "commit": case.change.commit[:10], "path": case.change.path,
                         "rename": f"{case.old} -> {case.new}", "shown": len(got), "matched": matched,
                         "real": len(want), "exact": set(got) == want, "ms": round(took, 2)})  # fmt: skip
            if progress is not None:
                progress(i, len(found), f"{repo.name}: {stats['exact']} exact of {i}")
        per_repo[str(repo)] = stats | _rates(stats, times)
    return {"benchmark": "edits", "engine": "symbolic", "commits": commits, "repositories": per_repo,
            "cases": rows}  # fmt: skip


def _rates(stats: dict[str, int], times: list[float]) -> dict[str, Any]:
    ordered = sorted(times)
    return {
        "precision": round(stats["matched"] / stats["shown"], 4) if stats["shown"] else None,
        "recall": round(stats["matched"] / stats["real"], 4) if stats["real"] else None,
        "silence": round(stats["silent"] / stats["cases"], 4) if stats["cases"] else None,
        "p50_ms": round(statistics.median(ordered), 2) if ordered else None,
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2) if ordered else None,
    }


def _renamed_at(was: str, now: str, old: str, new: str) -> list[int]:
    """Columns in ``was`` where ``old`` became ``new`` (the lines aligned token for token)."""
    a, b = _TOKEN.findall(was), _TOKEN.findall(now)
    if len(a) != len(b):
        return []
    columns, col = [], 0
    for x, y in zip(a, b, strict=True):
        if (x, y) == (old, new):
            columns.append(col)
        col += len(x)
    return columns


_TOKEN = re.compile(r"[A-Za-z0-9_$]+|\s+|.", re.DOTALL)
