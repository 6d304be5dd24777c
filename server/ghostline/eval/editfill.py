"""``eval editfill``: a line of a later hunk of a commit, typed with its earlier hunks shown or not."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ghostline.config import CompletionSettings
from ghostline.engine.completion.context import ContextBuilder
from ghostline.engine.document import Document
from ghostline.engine.edits import EditLog
from ghostline.eval.fill import FillTask, Log, engine_fill, raw_answer, summarize
from ghostline.eval.history import Change, Hunk, changes
from ghostline.model.backend import Backend

VARIANTS = ("none", "edits", "raw")
"""The engine without recent edits, the engine with them, the raw model (plain FIM, first line)."""
LANGUAGES = {"python", "javascript", "typescript", "java", "rust", "go"}
EDITS_SHOWN = 3
Progress = Callable[[int, int, str], None]


@dataclasses.dataclass(frozen=True)
class EditTask:
    """A fill-in task and the hunks the user made just before it (in the order made)."""

    fill: FillTask
    done: tuple[Hunk, ...]
    before: str


def tasks(repo: Path, project: str, limit: int, commits: int = 400) -> list[EditTask]:
    """One task per changed file with two hunks or more, newest commit first, until ``limit``."""
    found: list[EditTask] = []
    for change in changes(repo, LANGUAGES, commits):
        task = task_of(change, project, str(repo))
        if task is not None:
            found.append(task)
        if len(found) >= limit:
            break
    return found


def task_of(change: Change, project: str, root: str) -> EditTask | None:
    """The first code line added by a hunk after the first, in the file as it is when that line is typed.

    The earlier hunks are applied, that hunk's lines above the line are typed, the later hunks not yet made.
    """
    for j in range(1, len(change.hunks)):
        hunk = change.hunks[j]
        for k, line in enumerate(hunk.new):
            if 6 <= len(line.strip()) <= 160 and not line.strip().startswith(("#", "//", "/*", "*")):
                typed = Hunk(hunk.start, hunk.old, hunk.new[: k + 1])
                text = change.apply([*change.hunks[:j], typed])
                row = hunk.start + sum(len(h.new) - len(h.old) for h in change.hunks[:j]) + k
                task_id = f"{project}/{change.commit[:8]}/{change.path}:{row + 1}"
                fill = FillTask(task_id, change.language, project, change.path, text, row, root=root)
                return EditTask(fill, change.hunks[:j], change.before)
    return None


def edit_log(task: EditTask) -> EditLog:
    """The hunks the user made before the task, as the server's log of ``didChange`` would hold them."""
    log = EditLog()
    text, shift = task.before, 0
    for hunk in task.done:
        lines = text.split("\n")
        row = hunk.start + shift
        start = sum(len(line) + 1 for line in lines[:row])
        old = "".join(line + "\n" for line in hunk.old)
        new = "".join(line + "\n" for line in hunk.new)
        end = min(start + len(old), len(text))
        log.record(task.fill.uri, text, start, end, new)
        text = text[:start] + new + text[end:]
        shift += len(hunk.new) - len(hunk.old)
    return log


def run(
    backend: Backend,
    settings: CompletionSettings,
    repos: list[Path],
    variants: list[str],
    log: Log,
    limit: int = 30,
    raw_tokens: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """``limit`` tasks per repository, each answered by every variant asked for (logged, resumable)."""
    raw_tokens = raw_tokens or settings.context_tokens
    mined = [(repo, tasks(repo, _name(repo), limit)) for repo in repos]
    order = [t for _, found in mined for t in found]
    total, done, exact = len(order) * len(variants), 0, dict.fromkeys(variants, 0)
    for task in order:
        for variant in variants:
            solve = functools.partial(_solve, backend, settings, variant, task, raw_tokens)
            record = log.answer(variant, task.fill, solve)
            done += 1
            exact[variant] += record["exact"]
            if progress is not None:
                progress(done, total, "exact: " + ", ".join(f"{v} {n}" for v, n in exact.items()))
    ids = {t.fill.task_id for t in order}
    records = [r for (_, task_id), r in log.done.items() if task_id in ids]
    versus = ("edits", "none") if {"edits", "none"} <= set(variants) else None
    return {
        "benchmark": "editfill",
        "tasks_per_repository": limit,
        "raw_tokens": raw_tokens,
        "repositories": {_name(r): str(r) for r, _ in mined},
        "tasks": len(order),
        "variants": variants,
        "versus": list(versus or ()),
        "summary": summarize(records, variants, "project", versus),
        "per_task": [{k: r[k] for k in ("task_id", "variant", "exact", "target", "answer")} for r in records],
        "log": str(log.path),
    }


def _solve(
    backend: Backend, settings: CompletionSettings, variant: str, task: EditTask, raw_tokens: int
) -> str:
    text, offset = task.fill.gapped()
    if variant == "raw":
        return raw_answer(backend, text, offset, raw_tokens)
    builder = ContextBuilder()
    builder.root = str(Path(task.fill.root).resolve())
    shown = EDITS_SHOWN if variant == "edits" else 0
    if shown:
        builder.edits = edit_log(task)
    chosen = dataclasses.replace(settings, recent_edits=shown)
    return engine_fill(backend, builder, Document(task.fill.uri, text), offset, chosen, [])


def _name(repo: Path) -> str:
    """A repository's name (a bare mirror's ``…/owner+name/repo`` is named by its owner and name)."""
    return repo.parent.name.split("+")[-1] if repo.name in ("repo", ".git") else repo.name
