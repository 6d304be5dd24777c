"""Which actions apply at a position (instant, no model), and running one (model, may be slow)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ghostline.engine.actions.bounds import Problem
from ghostline.engine.actions.docstring import generate_docstring
from ghostline.engine.actions.edits import Edit, FileChange
from ghostline.engine.actions.examples import Check, Runner, examples_check, stated_examples
from ghostline.engine.actions.explain import explain_edit
from ghostline.engine.actions.generate import generate_at, spot_after_comment, spot_after_docstring
from ghostline.engine.actions.repair import repair
from ghostline.engine.actions.testgen import generate_tests
from ghostline.engine.document import Document
from ghostline.model.backend import Backend

REFACTOR = "refactor.rewrite"
QUICKFIX = "quickfix"
TESTABLE = ("python", "javascript", "typescript", "tsx")


@dataclass(frozen=True)
class Offer:
    """An action to list: its stable id, title, LSP kind and what it needs to run later."""

    action: str
    title: str
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    """What an action changes: edits to the document, and other files (created when new)."""

    edits: list[Edit] = field(default_factory=list)
    files: list[FileChange] = field(default_factory=list)


def offers(doc: Document, offset: int, problems: list[Problem] | None = None) -> list[Offer]:
    """The actions available at string index ``offset`` for the given problems there (no model call)."""
    found = [
        Offer("fix", f"Fix with Ghostline: {_short(p.message)}", QUICKFIX, _problem_data(p))
        for p in problems or []
    ]
    if spot_after_comment(doc, offset) is not None:
        found.append(Offer("generate", "Ghostline: Generate code from comment", REFACTOR))
    elif spot_after_docstring(doc, offset) is not None:
        found.append(Offer("generate", "Ghostline: Generate function body from docstring", REFACTOR))
    target = doc.definition_at(offset)
    if target is not None:
        what = "docstring" if doc.language == "python" else "doc comment"
        name = target.name
        verb = "Regenerate" if target.doc is not None else "Generate"
        found.append(Offer("docstring", f"Ghostline: {verb} {what} for '{name}'", REFACTOR))
        found.append(Offer("explain", f"Ghostline: Explain '{name}'", REFACTOR))
        if target.kind == "function" and doc.language in TESTABLE:
            found.append(Offer("tests", f"Ghostline: Generate tests for '{name}'", REFACTOR))
    return found


def _examples_check(doc: Document, offset: int, run: Runner | None) -> Check | None:
    """With a sandbox, a Python function's stated examples (``>>>``, ``f(2) == 4``) judge its candidates."""
    target = doc.definition_at(offset)
    if run is None or doc.language != "python" or target is None or target.doc is None:
        return None
    extra = stated_examples(doc.text, target.name)
    return examples_check(extra, run) if extra else None


def _short(message: str) -> str:
    line = message.strip().split("\n", 1)[0]
    return line if len(line) <= 60 else line[:57] + "..."


def _problem_data(problem: Problem) -> dict[str, Any]:
    return {"message": problem.message, "start": problem.start, "end": problem.end}


def run(
    action: str,
    doc: Document,
    offset: int,
    backend: Backend,
    should_stop: Callable[[], bool] = lambda: False,
    data: dict[str, Any] | None = None,
    run: Runner | None = None,
) -> Result:
    """Compute an offered action (empty when it no longer applies; ActionFailed when nothing is safe).

    ``run`` is the sandbox that computes a docstring's examples and checks generated bodies against the
    examples a docstring states (neither happens without it).
    """
    data = data or {}
    if action == "fix":
        problem = Problem(str(data.get("message", "")), int(data.get("start", 0)), int(data.get("end", 0)))
        return Result([repair(doc, problem, backend, should_stop)])
    if action == "generate":
        spot = spot_after_comment(doc, offset) or spot_after_docstring(doc, offset)
        if spot is None:
            return Result()
        check = _examples_check(doc, offset, run)
        return Result([generate_at(doc, spot, backend, samples=3, check=check, should_stop=should_stop)])
    target = doc.definition_at(offset)
    if target is None:
        return Result()
    if action == "docstring":
        return Result([generate_docstring(doc, target, backend, should_stop, run)])
    if action == "explain":
        return Result([explain_edit(doc, target, backend, should_stop)])
    if action == "tests":
        return Result(files=[generate_tests(doc, target, backend, should_stop)])
    raise ValueError(f"unknown action {action!r}")
