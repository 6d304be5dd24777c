"""``eval edits --engine model``: after a commit's first hunk, does the model's next edit make a later one."""

from __future__ import annotations

import difflib
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ghostline.engine.nextedit import model
from ghostline.engine.nextedit.rename import NextEdit
from ghostline.eval.history import Change, changes
from ghostline.eval.nextedits import LANGUAGES, after_first, latency
from ghostline.model.backend import Backend

Progress = Callable[[int, int, str], None]


def cases(repo: Path, limit: int, commits: int = 400) -> list[Change]:
    """Up to ``limit`` changes with two hunks or more whose first keeps the line count, newest first."""
    found = []
    for change in changes(repo, LANGUAGES, commits):
        first = change.hunks[0]
        if len(change.hunks) >= 2 and first.old and len(first.old) == len(first.new):
            found.append(change)
        if len(found) >= limit:
            break
    return found


def score(change: Change, edit: NextEdit | None, doc_line: Callable[[int], int]) -> dict[str, Any]:
    """Whether ``edit`` makes one of the commit's later hunks exactly, and how close it comes to the best."""
    if edit is None:
        return {"shown": 0, "exact": 0, "similarity": None}
    first, last = doc_line(edit.start), doc_line(max(edit.end - 1, edit.start))
    best, exact = 0.0, 0
    for hunk in change.hunks[1:]:
        rows = (hunk.start, hunk.start + max(len(hunk.old), 1) - 1)
        if rows[0] > last + 1 or rows[1] < first - 1:
            continue
        text = "\n".join(hunk.new) + ("\n" if not hunk.old else "")
        exact |= edit.text == text and (first == hunk.start or not hunk.old)
        best = max(best, difflib.SequenceMatcher(None, edit.text, text).ratio())
    return {"shown": 1, "exact": int(exact), "similarity": round(best, 4)}


def run(
    backend: Backend, repos: list[Path], limit: int = 20, commits: int = 400, progress: Progress | None = None
) -> dict[str, Any]:
    """``limit`` changes per repository: Ghostline's checked next edit and the unchecked one (raw)."""
    rows: list[dict[str, Any]] = []
    for repo in repos:
        found = cases(repo, limit, commits)
        for i, change in enumerate(found, 1):
            doc, log = after_first(change)
            cursor_at = log.hunks[-1].end if log.hunks else 0
            began = time.perf_counter()
            raw = model.propose(backend, doc, log, cursor_at, change.path, checked=False)
            took = (time.perf_counter() - began) * 1000
            hunk = log.hunks[-1]
            why = model.refused(doc, hunk, raw, cursor_at) if raw is not None else None
            checked = raw if raw is not None and why is None else None
            row = {"repo": repo.name, "commit": change.commit[:10], "path": change.path, "ms": round(took, 1)}
            row["raw"] = score(change, raw, doc.row_of)
            row["ghostline"] = score(change, checked, doc.row_of)
            row["refused"] = why
            rows.append(row)
            if progress is not None:
                progress(i, len(found), repo.name)
    return {"benchmark": "edits", "engine": "model", "model": backend.facts.name, "cases": rows,
            "summary": {v: _summary(rows, v) for v in ("ghostline", "raw")}}  # fmt: skip


def _summary(rows: list[dict[str, Any]], variant: str) -> dict[str, Any]:
    shown = [r[variant] for r in rows if r[variant]["shown"]]
    times = sorted(r["ms"] for r in rows)
    refused: dict[str, int] = {}
    for r in rows:
        if variant == "ghostline" and r["refused"]:
            refused[r["refused"]] = refused.get(r["refused"], 0) + 1
    return {
        "cases": len(rows),
        "shown": len(shown),
        "exact": sum(s["exact"] for s in shown),
        "precision": round(sum(s["exact"] for s in shown) / len(shown), 4) if shown else None,
        "similarity": round(statistics.mean(s["similarity"] for s in shown), 4) if shown else None,
        "silence": round(1 - len(shown) / len(rows), 4) if rows else None,
        "refused": refused,
        **latency(times, 1),
    }
