"""Syntax problems of a document as LSP diagnostics."""

from __future__ import annotations

from lsprotocol import types

from ghostline.engine.document import Document

SOURCE = "ghostline"


def syntax_diagnostics(doc: Document, limit: int = 100) -> list[types.Diagnostic]:
    """Error diagnostics for every syntax problem, ranges in the document's position encoding."""
    out: list[types.Diagnostic] = []
    for problem in doc.problems()[:limit]:
        start = doc.position_of_point(*problem.start)
        end = doc.position_of_point(*problem.end)
        out.append(
            types.Diagnostic(
                range=types.Range(
                    types.Position(start.line, start.character),
                    types.Position(end.line, end.character),
                ),
                message=problem.message,
                severity=types.DiagnosticSeverity.Error,
                source=SOURCE,
                code=problem.code,
            )
        )
    return out
