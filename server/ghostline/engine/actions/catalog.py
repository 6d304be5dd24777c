"""Which actions apply at a position (instant, no model), and running one (model, may be slow)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ghostline.engine.actions.docstring import generate_docstring, target_at
from ghostline.engine.actions.edits import Edit
from ghostline.engine.document import Document, Pos
from ghostline.model.backend import Backend

REFACTOR = "refactor.rewrite"


@dataclass(frozen=True)
class Offer:
    """An action to list: its title, LSP kind and stable id."""

    action: str
    title: str
    kind: str


def offers(doc: Document, pos: Pos) -> list[Offer]:
    """The actions available at ``pos`` (no model call)."""
    found: list[Offer] = []
    target = target_at(doc, pos)
    if target is not None:
        what = "docstring" if doc.language == "python" else "doc comment"
        name = target.definition.name
        if target.has_doc:
            found.append(Offer("docstring", f"Ghostline: Regenerate {what} for '{name}'", REFACTOR))
        else:
            found.append(Offer("docstring", f"Ghostline: Generate {what} for '{name}'", REFACTOR))
    return found


def run(
    action: str, doc: Document, pos: Pos, backend: Backend, should_stop: Callable[[], bool] = lambda: False
) -> list[Edit]:
    """Compute an offered action's edits (empty when it no longer applies)."""
    if action == "docstring":
        target = target_at(doc, pos)
        return [generate_docstring(doc, target, backend, should_stop)] if target is not None else []
    raise ValueError(f"unknown action {action!r}")
