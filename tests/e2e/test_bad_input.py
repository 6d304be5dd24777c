"""Bad input never crashes the server and never leaves a request unanswered."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.lsp_session import change, diagnostics_for, open_doc, send_raw

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def outline(client: LanguageClient, uri: str) -> list[types.DocumentSymbol]:
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
    )
    return list(result or [])  # type: ignore[arg-type]


async def test_malformed_request_params_get_invalid_params_error(client: LanguageClient) -> None:
    with pytest.raises(JsonRpcException) as raised:
        await send_raw(
            client,
            {
                "id": "bad-1",
                "method": types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
                "params": {"textDocument": 5},
            },
        )
    assert raised.value.code == -32602
    assert await outline(client, "file:///never-opened.py") == []  # still serving


async def test_malformed_notification_is_dropped(client: LanguageClient) -> None:
    await send_raw(
        client,
        {
            "method": types.TEXT_DOCUMENT_DID_CHANGE,
            "params": {"textDocument": {"uri": 3}, "contentChanges": "x"},
        },
    )
    uri = "file:///project/after.py"
    open_doc(client, uri, "def f(:\n", "python")
    assert await diagnostics_for(client, uri, 1)


async def test_positions_outside_the_document_are_clamped(client: LanguageClient) -> None:
    uri = "file:///project/clamp.py"
    open_doc(client, uri, "x = 1\n", "python")
    await diagnostics_for(client, uri, 1)
    change(client, uri, 2, (999, 0), (1000, 5), "y = (\n")  # appended at the end
    [diag] = await diagnostics_for(client, uri, 2)
    assert diag.range.start.line == 1
    change(client, uri, 3, (0, 400), (0, 900), "  # long")  # past the end of line 0
    assert len(await diagnostics_for(client, uri, 3)) == 1


async def test_changes_for_documents_never_opened(client: LanguageClient) -> None:
    ghost = "file:///project/ghost.py"
    change(client, ghost, 4, (0, 0), (0, 0), "x")  # incremental: nothing to apply it to
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=ghost, version=5),
            [types.TextDocumentContentChangeWholeDocument(text="def g(:\n")],
        )
    )
    assert await diagnostics_for(client, ghost, 5)  # adopted from the whole-text change
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier("file:///project/unknown.py"))
    )
    assert await outline(client, ghost)


async def test_odd_text_is_handled(client: LanguageClient) -> None:
    uri = "file:///project/odd.py"
    text = "s = '\ud800 lone surrogate'\nt = '\x00 nul \ufffd'\ndef f(:\n"
    open_doc(client, uri, text, "python")
    [diag] = await diagnostics_for(client, uri, 1)
    assert diag.range.start.line == 2
    change(client, uri, 2, (0, 5), (0, 6), "😀")
    assert len(await diagnostics_for(client, uri, 2)) == 1


async def test_huge_file(client: LanguageClient) -> None:
    lines = 60_000
    text = "".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(lines // 2))
    uri = "file:///project/huge.py"
    open_doc(client, uri, text, "python")
    assert await diagnostics_for(client, uri, 1) == []
    change(client, uri, 2, (lines - 1, 0), (lines - 1, 0), "(")
    [diag] = await diagnostics_for(client, uri, 2)
    assert diag.range.start.line == lines - 1
    assert len(await outline(client, uri)) == lines // 2
