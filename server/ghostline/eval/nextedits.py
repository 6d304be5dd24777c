"""``eval edits``: a git history replayed; after a rename or a signature change, are the next edits right."""

from __future__ import annotations

import math
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
from ghostline.engine.nextedit.rename import renamed, tokens
from ghostline.engine.nextedit.signature import signature_change
from ghostline.eval.history import Change, changes
from ghostline.syntax.locals import is_name

LANGUAGES = {"python", "javascript", "typescript", "tsx", "rust", "go", "java"}
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Case:
    """A commit's change to one file whose first hunk renames a name or changes a signature."""

    change: Change
    kind: str
    """``rename`` or ``signature``."""
    old: str
    """The old name (a rename), or the function whose parameters changed."""
    new: str = ""


def cases(repo: Path, commits: int = 400) -> list[Case]:
    """The changes whose first hunk renames one name or adds or removes a parameter, with hunks after it."""
    found = []
    for change in changes(repo, LANGUAGES, commits):
        hunk = change.hunks[0]
        if len(change.hunks) < 2 or len(hunk.old) != len(hunk.new) or not hunk.old:
            continue
        name = renamed(LogHunk("", 0, "\n".join(hunk.old), "\n".join(hunk.new), 0.0, 0.0))
        doc, log = after_first(change)
        if name is not None:
            at = doc.line_start(hunk.start) + name[0]
            site = (doc.byte_at(at), doc.byte_at(at + len(name[2])))
            if doc.syntax is not None and is_name(doc.syntax.root, site):  # not a word of a string, comment
                found.append(Case(change, "rename", name[1], name[2]))  # or keyword (True -> False)
            continue
        signature = signature_change(doc, log.hunks[-1]) if log.hunks else None
        if signature is not None:
            found.append(Case(change, "signature", signature.function))
    return found


def truth(case: Case) -> set[tuple[int, Any]]:
    """What the commit does after its first hunk, as Ghostline's edits are matched against it.

    A rename: (line, column) of each place the commit renames the old name to the new one. A signature
    change: (line, the line as the commit leaves it) of each line with a call of the function it changes.
    """
    places: set[tuple[int, Any]] = set()
    for hunk in case.change.hunks[1:]:
        if len(hunk.old) != len(hunk.new):
            continue
        for offset, (was, now) in enumerate(zip(hunk.old, hunk.new, strict=True)):
            if case.kind == "rename":
                places |= {(hunk.start + offset, col) for col in _renamed_at(was, now, case.old, case.new)}
            elif re.search(rf"\b{re.escape(case.old)}\s*\(", was) and was != now:
                places.add((hunk.start + offset, now))
    return places


def replay(case: Case) -> tuple[list[tuple[int, Any]], float]:
    """The next edits Ghostline offers after the first hunk, in ``truth``'s terms, and the time they took."""
    doc, log = after_first(case.change)
    cursor = log.hunks[-1].end if log.hunks else 0
    began = time.perf_counter()
    edits = next_edits(doc, log, cursor)
    took = (time.perf_counter() - began) * 1000
    found: list[tuple[int, Any]] = []
    for edit in edits:
        row = doc.row_of(edit.start)
        if case.kind == "rename":
            found.append((row, edit.start - doc.line_start(row)))
        else:
            line_start = doc.line_start(row)
            line = doc.text[line_start : line_start + len(doc.line(row))]
            at, to = edit.start - line_start, edit.end - line_start
            found.append((row, line[:at] + edit.text + line[to:]))
    return found, took


def after_first(change: Change) -> tuple[Document, EditLog]:
    """The file with the commit's first hunk made as a user makes an edit, and the log that recorded it."""
    hunk = change.hunks[0]
    doc = Document(f"file:///replay/{change.path}", change.before, language_id=change.language)
    log = EditLog()
    start = doc.line_start(hunk.start)
    last = hunk.start + len(hunk.old) - 1
    end = doc.line_start(last) + len(doc.line(last))
    new = "\n".join(hunk.new)
    log.record(doc.uri, doc.text, start, end, new)
    doc.apply_change(new, doc.position_at(start), doc.position_at(end))
    doc.reparse()
    return doc, log


def run(repos: list[Path], commits: int = 400, progress: Progress | None = None) -> dict[str, Any]:
    """Every case of every repository replayed.

    Per repository and kind of change: precision, recall, exact cases, silence, latency.
    """
    per: dict[str, dict[str, Any]] = {}
    rows = []
    for repo in repos:
        found = cases(repo, commits)
        stats: dict[str, dict[str, int]] = {}
        times: dict[str, list[float]] = {}
        for i, case in enumerate(found, 1):
            want = truth(case)
            got, took = replay(case)
            row = _score(set(got), want)
            times.setdefault(case.kind, []).append(took)
            into = stats.setdefault(
                case.kind, dict.fromkeys(("cases", "shown", "matched", "real", "exact", "silent"), 0)
            )
            for key in into:
                into[key] += row[key]
            what = f"{case.old} -> {case.new}" if case.kind == "rename" else f"parameters of {case.old}"
            rows.append({"repo": repo.name, "commit": case.change.commit[:10], "path": case.change.path,
                         "kind": case.kind, "change": what, "ms": round(took, 2)} | row)  # fmt: skip
            if progress is not None:
                progress(i, len(found), repo.name)
        for kind in ("rename", "signature"):
            counts = stats.get(
                kind, dict.fromkeys(("cases", "shown", "matched", "real", "exact", "silent"), 0)
            )
            per[f"{repo} ({kind})"] = counts | _rates(counts, times.get(kind, []))
    return {
        "benchmark": "edits",
        "engine": "symbolic",
        "commits": commits,
        "repositories": per,
        "cases": rows,
    }


def _score(got: set[tuple[int, Any]], want: set[tuple[int, Any]]) -> dict[str, int]:
    matched = len(got & want)
    return {"cases": 1, "shown": len(got), "matched": matched, "real": len(want), "exact": int(got == want),
            "silent": int(not got)}  # fmt: skip


def _rates(stats: dict[str, int], times: list[float]) -> dict[str, Any]:
    return {
        "precision": round(stats["matched"] / stats["shown"], 4) if stats["shown"] else None,
        "recall": round(stats["matched"] / stats["real"], 4) if stats["real"] else None,
        "silence": round(stats["silent"] / stats["cases"], 4) if stats["cases"] else None,
        **latency(times, 2),
    }


def latency(times: list[float], digits: int) -> dict[str, float | None]:
    """p50 and p95 (nearest rank) of milliseconds, rounded (None for no times)."""
    ordered = sorted(times)
    if not ordered:
        return {"p50_ms": None, "p95_ms": None}
    p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]
    return {"p50_ms": round(statistics.median(ordered), digits), "p95_ms": round(p95, digits)}


def _renamed_at(was: str, now: str, old: str, new: str) -> list[int]:
    """Columns in ``was`` where ``old`` became ``new`` (the lines aligned token for token)."""
    a, b = tokens(was), tokens(now)
    if len(a) != len(b):
        return []
    columns, col = [], 0
    for x, y in zip(a, b, strict=True):
        if (x, y) == (old, new):
            columns.append(col)
        col += len(x)
    return columns
