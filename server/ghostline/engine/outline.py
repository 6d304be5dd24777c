"""Document outline (textDocument/documentSymbol) from tree-sitter definitions."""

from __future__ import annotations

from lsprotocol import types

from ghostline.engine.diagnostics import lsp_range
from ghostline.engine.document import Document
from ghostline.syntax.definitions import find_definitions

_KINDS = {
    "function": types.SymbolKind.Function,
    "method": types.SymbolKind.Method,
    "class": types.SymbolKind.Class,
}


def document_symbols(doc: Document) -> list[types.DocumentSymbol]:
    """Nested symbols of a document: methods inside classes, inner functions inside functions."""
    if doc.syntax is None or doc.language is None:
        return []
    roots: list[types.DocumentSymbol] = []
    stack: list[tuple[int, list[types.DocumentSymbol]]] = []
    for d in find_definitions(doc.language, doc.syntax.root):
        children: list[types.DocumentSymbol] = []
        symbol = types.DocumentSymbol(
            name=d.name or "<anonymous>",
            kind=_KINDS.get(d.kind, types.SymbolKind.Function),
            range=lsp_range(doc, d.node.start_point, d.node.end_point),
            selection_range=lsp_range(doc, d.name_node.start_point, d.name_node.end_point),
            children=children,
        )
        while stack and stack[-1][0] <= d.node.start_byte:
            stack.pop()
        (stack[-1][1] if stack else roots).append(symbol)
        stack.append((d.node.end_byte, children))
    return roots
