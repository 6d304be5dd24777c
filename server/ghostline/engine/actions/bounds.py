"""How far a repair may reach: its range bounded to one unit, and no deleting beyond what was asked."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ghostline.engine.document import Document

WINDOW = 4
MAX_COLLATERAL_LINES = 1
"""Lines of code outside what was asked that a fix may delete (a fix that deletes more is refused)."""


@dataclass(frozen=True)
class Problem:
    """What to fix: a diagnostic's message and its range as string offsets."""

    message: str
    start: int
    end: int


def bounded(doc: Document, problem: Problem) -> Problem:
    """``problem`` with its range inside the document and inside the definition (or window) where it starts.

    A range from a client (another linter's diagnostic, or code-action data) may be forged or merely wide;
    the fix never reaches past the unit the problem starts in.
    """
    size = len(doc.text)
    start = min(max(problem.start, 0), size)
    end = min(max(problem.end, start), size)
    definition = doc.definition_at(start)
    if definition is not None and definition.kind != "class":
        limit = doc.offset_of_point(*definition.node.end_point)
    else:
        limit = doc.line_start(doc.row_of(start) + WINDOW + 1)
    return Problem(problem.message, start, max(start, min(end, limit)))


def asked(doc: Document, problem: Problem) -> tuple[int, int]:
    """What a fix may rewrite freely: the function the problem is in, else the problem's own lines."""
    definition = doc.definition_at(problem.start)
    if definition is not None and definition.kind != "class":
        return doc.offset_of_point(*definition.node.start_point), doc.offset_of_point(
            *definition.node.end_point
        )
    return problem.start, problem.end


def deletes_too_much(before: str, after: str, first: int, last: int) -> bool:
    """Whether ``after`` (a rewrite of ``before``) drops code outside the problem's lines ``first``..``last``.

    Lines are compared without their indentation. In a block of lines replaced by others, the new lines stand
    first for the problem's own lines; the block's other lines left without a counterpart count as deleted.
    """
    old = [line.strip() for line in before.split("\n")]
    new = [line.strip() for line in after.split("\n")]
    deleted = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag not in ("delete", "replace"):
            continue
        inside = sum(1 for row in range(i1, i2) if old[row] and first <= row <= last)
        outside = sum(1 for row in range(i1, i2) if old[row] and not first <= row <= last)
        spare = max(sum(1 for line in new[j1:j2] if line) - inside, 0)
        deleted += max(outside - spare, 0)
    return deleted > MAX_COLLATERAL_LINES
