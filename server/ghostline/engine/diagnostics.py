"""Syntax problems of a document as LSP diagnostics."""

from __future__ import annotations

from lsprotocol import types

from ghostline.engine.document import Document
from ghostline.syntax.complexity import complexities

SOURCE = "ghostline"


def lsp_range(doc: Document, start: tuple[int, int], end: tuple[int, int]) -> types.Range:
    """The LSP range of two tree-sitter (row, byte column) points, in the document's encoding."""
    s, e = doc.position_of_point(*start), doc.position_of_point(*end)
    return types.Range(types.Position(s.line, s.character), types.Position(e.line, e.character))


def complexity_diagnostics(doc: Document, threshold: int) -> list[types.Diagnostic]:
    """Information diagnostics on the names of functions more complex than ``threshold``."""
    if doc.syntax is None or doc.language is None:
        return []
    out = []
    for c in complexities(doc.language, doc.syntax.root):
        if c.value > threshold:
            name = c.definition.name_node
            out.append(
                types.Diagnostic(
                    range=lsp_range(doc, name.start_point, name.end_point),
                    message=f"'{c.definition.name}' has cyclomatic complexity {c.value} "
                    f"(threshold {threshold}); consider splitting it",
                    severity=types.DiagnosticSeverity.Information,
                    source=SOURCE,
                    code="complexity/cyclomatic",
                )
            )
    return out


def complexity_at(doc: Document, line: int, character: int) -> tuple[str, int, types.Range] | None:
    """(name, complexity, name range) of the function whose name is under the position."""
    if doc.syntax is None or doc.language is None:
        return None
    for c in complexities(doc.language, doc.syntax.root):
        name = c.definition.name_node
        rng = lsp_range(doc, name.start_point, name.end_point)
        if (rng.start.line, rng.start.character) <= (line, character) <= (rng.end.line, rng.end.character):
            return c.definition.name, c.value, rng
    return None


def syntax_diagnostics(doc: Document, limit: int = 100) -> list[types.Diagnostic]:
    """Error diagnostics for every syntax problem, ranges in the document's position encoding."""
    out: list[types.Diagnostic] = []
    for problem in doc.problems()[:limit]:
        out.append(
            types.Diagnostic(
                range=lsp_range(doc, problem.start, problem.end),
                message=problem.message,
                severity=types.DiagnosticSeverity.Error,
                source=SOURCE,
                code=problem.code,
            )
        )
    return out
