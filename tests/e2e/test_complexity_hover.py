"""Complexity diagnostics and hover over stdio."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp_session import diagnostics_for, open_doc

pytestmark = pytest.mark.asyncio(loop_scope="module")
BRANCHES = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(12))
SOURCE = f"def busy(x):\n{BRANCHES}    return -1\n"


async def test_complexity_diagnostic_and_hover(client: LanguageClient) -> None:
    uri = "file:///project/busy.py"
    open_doc(client, uri, SOURCE, "python")
    [diag] = await diagnostics_for(client, uri, 1)
    assert diag.code == "complexity/cyclomatic"
    assert diag.severity == types.DiagnosticSeverity.Information
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, 5))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "cyclomatic complexity 13" in hover.contents.value
    nothing = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(3, 8))
    )
    assert nothing is None
