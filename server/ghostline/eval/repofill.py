"""``eval repofill``: lines using a name defined in another file of the repository, per context source."""

from __future__ import annotations

import functools
import sysconfig
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ghostline.config import CompletionSettings
from ghostline.engine.completion.context import ContextBuilder
from ghostline.engine.document import Document
from ghostline.engine.workspace.index import WorkspaceIndex
from ghostline.eval.fill import FillTask, Log, engine_fill, raw_answer, summarize, uri_of
from ghostline.eval.mining import RepoFile, cross_file_tasks, related, repo_files
from ghostline.model.backend import Backend

CONTEXTS = ("none", "open", "workspace")
"""What the engine is given besides the document: nothing; the related files as open tabs; plus the index."""
VARIANTS = (*CONTEXTS, "raw")
LANGUAGES = {"python", "javascript", "typescript"}
OPEN_TABS = 3
Progress = Callable[[int, int, str], None]


def default_repos() -> list[str]:
    """Two real Python packages and one JavaScript library installed here (not Ghostline's code)."""
    purelib = sysconfig.get_paths()["purelib"]
    js = "editor-clients/vscode/node_modules/vscode-languageclient/lib"
    return [f"{purelib}/cattrs", f"{purelib}/hypothesis", js]


def project_name(root: Path) -> str:
    """A repository's name (a folder called lib or src is named by its parent)."""
    return root.parent.name if root.name in ("lib", "src") else root.name


def workspace_index(root: Path) -> WorkspaceIndex:
    """The engine's workspace index of ``root``, scanned (as the server does on ``initialized``)."""
    index = WorkspaceIndex()
    index.scan([root])
    return index


def run(
    backend: Backend,
    settings: CompletionSettings,
    repos: list[Path],
    variants: list[str],
    log: Log,
    seed: int = 0,
    limit: int = 20,
    raw_tokens: int = 0,
    progress: Progress | None = None,
    cut: str = "line",
) -> dict[str, Any]:
    """``limit`` tasks per repository, each completed with every variant asked for (logged, resumable)."""
    raw_tokens = raw_tokens or settings.context_tokens
    mined: list[tuple[Path, list[RepoFile], list[FillTask]]] = []
    for root in repos:
        files = repo_files(root, LANGUAGES)
        found = cross_file_tasks(root, project_name(root), LANGUAGES, seed, limit, files, cut)
        mined.append((root, files, found))
    total = sum(len(tasks) for _, _, tasks in mined) * len(variants)
    done, exact = 0, dict.fromkeys(variants, 0)
    for root, files, tasks in mined:
        by_path = {f.path: f for f in files}
        index = workspace_index(root) if "workspace" in variants else None
        for task in tasks:  # every variant of a task in turn: a run cut short compares like with like
            for variant in variants:
                used = index if variant == "workspace" else None
                solve = functools.partial(
                    _solve, backend, settings, variant, task, by_path, files, used, raw_tokens, root
                )
                record = log.answer(variant, task, solve)
                done += 1
                exact[variant] += record["exact"]
                if progress is not None:
                    scores = ", ".join(f"{v} {n}" for v, n in exact.items())
                    progress(done, total, f"{project_name(root)} exact: {scores}")
    tasks = [t for _, _, ts in mined for t in ts]
    ids = {t.task_id for t in tasks}
    records = [r for (_, task_id), r in log.done.items() if task_id in ids]
    shown = [v for v in VARIANTS if any(r["variant"] == v for r in records)]
    return {
        "benchmark": "repofill",
        "cut": cut,
        "seed": seed,
        "tasks_per_repository": limit,
        "raw_tokens": raw_tokens,
        "repositories": {project_name(root): str(root) for root, _, _ in mined},
        "files": {project_name(root): len(files) for root, files, _ in mined},
        "tasks": len(tasks),
        "variants": variants,
        "versus": list(_versus(shown) or ()),
        "summary": summarize(records, shown, "project", _versus(shown)),
        "per_task": [
            {"task_id": t.task_id, "name": t.name, "target": t.target}
            | {
                r["variant"]: {"answer": r["answer"], "exact": r["exact"]}
                for r in records
                if r["task_id"] == t.task_id
            }
            for t in tasks
        ],
        "log": str(log.path),
    }


def _versus(shown: list[str]) -> tuple[str, str] | None:
    """The pair whose wins are counted: the index over open files (the issue's target), else the next best."""
    pairs = (("workspace", "open"), ("open", "none"), ("workspace", "none"), ("none", "raw"), ("open", "raw"))
    return next(((a, b) for a, b in pairs if a in shown and b in shown), None)


def _solve(
    backend: Backend,
    settings: CompletionSettings,
    variant: str,
    task: FillTask,
    by_path: dict[str, RepoFile],
    files: list[RepoFile],
    index: WorkspaceIndex | None,
    raw_tokens: int,
    root: Path,
) -> str:
    """One answer for one task with one variant."""
    text, offset = task.gapped()
    if variant == "raw":
        return raw_answer(backend, text, offset, raw_tokens)
    builder = ContextBuilder()
    builder.root = str(root.resolve())
    others = []
    if variant != "none":
        for path in related(by_path[task.path], files, root.name, OPEN_TABS):
            others.append(Document(uri_of(task.root, task.project, path), by_path[path].text))
    doc = Document(task.uri, text)
    if index is None:
        return engine_fill(backend, builder, doc, offset, settings, others)
    builder.index = index  # type: ignore[assignment,unused-ignore]  # (Index Protocol vs WorkspaceIndex)
    here = root.resolve() / task.path
    index.update(here, text)  # the open buffer, as the server's didChange does: the line is not in it
    try:
        return engine_fill(backend, builder, doc, offset, settings, others)
    finally:
        index.update(here)
