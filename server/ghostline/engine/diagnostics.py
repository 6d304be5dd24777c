"""What the engine finds wrong in a document (syntax problems, complex functions), as string offsets.

The one place where tree-sitter problems become document ranges; the LSP layer, ``ghostline check`` and
``ghostline action`` convert these offsets to their own positions.
"""

from __future__ import annotations

from dataclasses import dataclass

from ghostline.engine.document import Document
from ghostline.syntax.complexity import complexities

SOURCE = "ghostline"
MAX_COMPLEXITY_BYTES = 512 * 1024
"""Larger documents get no complexity hints (a whole-file query; on a 100k-line file it takes seconds)."""


@dataclass(frozen=True)
class Finding:
    """One problem: ``text[start:end]``, what is wrong, a stable code and how serious it is."""

    start: int
    end: int
    message: str
    code: str
    severity: str = "error"
    """``error``, ``warning`` or ``information``."""


def syntax_findings(doc: Document, limit: int = 100) -> list[Finding]:
    """Every syntax problem of the document (at most ``limit``), in document order."""
    out = []
    for problem in doc.problems()[: max(limit, 0)]:
        start, end = doc.offset_of_point(*problem.start), doc.offset_of_point(*problem.end)
        out.append(Finding(start, end, problem.message, problem.code))
    return out


def complexity_findings(doc: Document, threshold: int) -> list[Finding]:
    """Information on the names of functions more complex than ``threshold`` (none for huge documents)."""
    if doc.syntax is None or doc.language is None or len(doc.source) > MAX_COMPLEXITY_BYTES:
        return []
    out = []
    for c in complexities(doc.language, doc.syntax.root):
        if c.value > threshold:
            name = c.definition.name_node
            out.append(
                Finding(
                    doc.offset_of_point(*name.start_point),
                    doc.offset_of_point(*name.end_point),
                    f"'{c.definition.name}' has cyclomatic complexity {c.value} "
                    f"(threshold {threshold}); consider splitting it",
                    "complexity/cyclomatic",
                    "information",
                )
            )
    return out


def complexity_at(doc: Document, offset: int) -> tuple[str, int, int, int] | None:
    """(name, complexity, name start, name end) of the function whose name is at ``offset``."""
    definition = doc.definition_at(offset)
    if definition is None or doc.language is None:
        return None
    name = definition.name_node
    start, end = doc.offset_of_point(*name.start_point), doc.offset_of_point(*name.end_point)
    if not start <= offset <= end:
        return None
    assert doc.syntax is not None
    node = definition.node
    for c in complexities(doc.language, doc.syntax.root, (node.start_byte, node.end_byte)):
        if (c.definition.node.start_byte, c.definition.node.end_byte) == (node.start_byte, node.end_byte):
            return definition.name, c.value, start, end
    return None
