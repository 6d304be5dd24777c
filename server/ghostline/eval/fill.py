"""Single-line fill-in tasks cut from real files: the gap, the engine's and the raw answers, scores."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ghostline.config import CompletionSettings
from ghostline.engine.completion.context import CHARS_PER_TOKEN, ContextBuilder
from ghostline.engine.completion.generate import generate
from ghostline.engine.document import Document
from ghostline.engine.text import edit_similarity
from ghostline.eval.solvers import DEADLINE_S
from ghostline.model.backend import Backend
from ghostline.model.heal import unhealed

RAW_MAX_TOKENS = 64
"""Tokens the raw model may write for one line (it is stopped at its first line break anyway)."""


@dataclass(frozen=True)
class FillTask:
    """One line of a real file to fill in: the file's text, the line's row and its original text."""

    task_id: str
    language: str
    project: str
    """The repository or source tree the file comes from (results are grouped by it)."""
    path: str
    """The file's path inside its project."""
    text: str
    row: int
    name: str = ""
    """Repository tasks: the name defined in another file that the line uses."""
    root: str = ""
    """The project's folder on disk ('' when the file is not one: a member of a zip)."""
    column: int = 0
    """Where in the line the cut starts: 0 removes the whole line, more keeps its first characters typed."""

    @property
    def target(self) -> str:
        """The removed text (the line from ``column`` on), without its line break."""
        return self.text.split("\n")[self.row][self.column :]

    @property
    def uri(self) -> str:
        """Where the document is "opened": the file itself, or a made-up place with its extension."""
        return uri_of(self.root, self.project, self.path)

    def gapped(self) -> tuple[str, int]:
        """The file with the line's text from ``column`` on removed and the cursor where the cut starts."""
        lines = self.text.split("\n")
        typed = lines[self.row][: self.column]
        offset = sum(len(line) + 1 for line in lines[: self.row]) + len(typed)
        return "\n".join([*lines[: self.row], typed, *lines[self.row + 1 :]]), offset


def uri_of(root: str, project: str, path: str) -> str:
    """The URI of a project's file (under ``root`` when it is a folder on disk)."""
    if root:
        return (Path(root).resolve() / path).as_uri()
    return f"file:///eval/{project}/{path}"


def engine_fill(
    backend: Backend,
    builder: ContextBuilder,
    doc: Document,
    offset: int,
    settings: CompletionSettings,
    others: list[Document],
) -> str:
    """What the editor would show at ``offset`` (the latency budget lifted): the engine's whole suggestion."""
    ctx = builder.build(doc, offset, settings, others)
    return generate(backend, ctx, settings, lambda: False, time.perf_counter() + DEADLINE_S).text


def raw_window(text: str, offset: int, tokens: int) -> tuple[str, str]:
    """Prefix and suffix around ``offset`` in whole lines: 3/4 of ``tokens`` before, 1/4 after."""
    budget = int(tokens * CHARS_PER_TOKEN)
    before, after = text[:offset], text[offset:]
    keep = budget * 3 // 4
    if len(before) > keep:
        cut = before.find("\n", len(before) - keep)
        before = before[cut + 1 :] if cut >= 0 else before[-keep:]
    keep = budget - len(before)
    if len(after) > keep:
        cut = after.rfind("\n", 0, keep)
        after = after[: cut + 1] if cut > 0 else after[:keep]
    return before, after


def raw_fill(backend: Backend, prefix: str, suffix: str) -> str:
    """The raw model on a plain FIM prompt, cut at its first line (what an editor plugin shows)."""
    fim = backend.facts.fim
    prompt = fim.build(prefix, suffix) if fim is not None else prefix
    with unhealed(backend):
        text = backend.generate(prompt, max_tokens=RAW_MAX_TOKENS, stop=["\n"]).text()
    return text.split("\n", 1)[0]


def raw_answer(backend: Backend, text: str, offset: int, tokens: int) -> str:
    """The raw model's first line at ``offset`` of ``text``, in the window ``raw_window`` cuts."""
    return raw_fill(backend, *raw_window(text, offset, tokens))


def score(answer: str, target: str) -> dict[str, Any]:
    """Exact match with indentation (trailing blanks ignored), exact code (both ends), edit similarity.

    ``exact_first_line``: the answer's first line would have been right had the rest been dropped.
    """
    got, want = answer.rstrip(), target.rstrip()
    return {
        "exact": got == want,
        "exact_code": got.strip() == want.strip(),
        "exact_first_line": answer.lstrip("\n").split("\n", 1)[0].rstrip() == want,
        "edit_sim": round(edit_similarity(got, want), 4),
        "empty": not got.strip(),
        "lines": answer.strip("\n").count("\n") + 1 if answer.strip() else 0,
    }


class Log:
    """Answers already computed for one run (JSONL, appended as they come; a rerun skips them)."""

    def __init__(self, path: Path, run: str) -> None:
        self.path, self.run = path, run
        self.done: dict[tuple[str, str], dict[str, Any]] = {}
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if record.get("run") == run:
                    self.done[(record["variant"], record["task_id"])] = record

    def get(self, variant: str, task_id: str) -> dict[str, Any] | None:
        """The logged record, if any."""
        return self.done.get((variant, task_id))

    def answer(self, variant: str, task: FillTask, solve: Callable[[], str]) -> dict[str, Any]:
        """The logged record of ``variant`` on ``task``, else ``solve()``'s answer timed, scored, logged."""
        record = self.get(variant, task.task_id)
        if record is None:
            start = time.perf_counter()
            answer = solve()
            record = self.add(variant, task, answer, time.perf_counter() - start)
        return record

    def add(self, variant: str, task: FillTask, answer: str, seconds: float) -> dict[str, Any]:
        """Score ``answer``, append the record and return it."""
        record = {"run": self.run, "variant": variant, "task_id": task.task_id, "project": task.project}
        record |= {"language": task.language, "target": task.target, "answer": answer}
        record |= score(answer, task.target) | {"seconds": round(seconds, 3)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        self.done[(variant, task.task_id)] = record
        return record


def summarize(
    records: Iterable[dict[str, Any]],
    variants: Sequence[str],
    group: str,
    versus: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Per value of ``group`` (and ``all``): each variant's exact, edit similarity, empty share.

    With ``versus`` (a, b): ``wins`` counts tasks a got exactly right and b did not, ``losses`` the reverse.
    """
    by: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for r in records:
        for key in (r[group], "all"):
            by.setdefault(key, {}).setdefault(r["variant"], {})[r["task_id"]] = r
    out: dict[str, Any] = {}
    for key in sorted(by, key=lambda k: (k == "all", k)):
        rows = by[key]
        entry: dict[str, Any] = {}
        for variant in variants:
            got = list(rows.get(variant, {}).values())
            if not got:
                continue
            n = len(got)
            entry[variant] = {
                "n": n,
                "exact": sum(r["exact"] for r in got),
                "exact_share": round(sum(r["exact"] for r in got) / n, 4),
                "exact_code_share": round(sum(r["exact_code"] for r in got) / n, 4),
                "exact_first_line_share": round(sum(r.get("exact_first_line", False) for r in got) / n, 4),
                "edit_sim": round(sum(r["edit_sim"] for r in got) / n, 4),
                "empty_share": round(sum(r["empty"] for r in got) / n, 4),
                "seconds_per_task": round(sum(r["seconds"] for r in got) / n, 2),
            }
        if versus is not None and versus[0] in rows and versus[1] in rows:
            first, last = rows[versus[0]], rows[versus[1]]
            shared = sorted(set(first) & set(last))
            entry["wins"] = sum(first[t]["exact"] and not last[t]["exact"] for t in shared)
            entry["losses"] = sum(last[t]["exact"] and not first[t]["exact"] for t in shared)
        out[key] = entry
    return out
