"""Documents as they come: lone surrogates, lone CRs, out-of-range changes, documents too big to block on."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp_session import change, diagnostics_for, encoding_of, open_doc, send_raw

pytestmark = pytest.mark.asyncio(loop_scope="module")
SURROGATE = 'def f(x):\n    """Half a pair: \ud800."""\n    return x\n\n\ns = \'\ud800\'; t = (\n'


async def test_a_lone_surrogate_keeps_diagnostics_and_outline_right(client: LanguageClient) -> None:
    uri = "file:///odd/surrogate.py"
    open_doc(client, uri, SURROGATE, "python")
    [diagnostic] = await diagnostics_for(client, uri, 1)
    # '(' follows 13 characters; '\ud800' is one code unit in UTF-16 and UTF-32, three bytes in UTF-8
    column = 15 if encoding_of(client) == "utf-8" else 13
    assert diagnostic.message == "'(' is never closed"
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (5, column)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
    )
    assert [s.name for s in symbols or []] == ["f"]


async def test_lone_carriage_returns_end_lines_for_the_parser_too(client: LanguageClient) -> None:
    uri = "file:///odd/mac.py"
    open_doc(client, uri, "x = 1\ry = 2\rdef g():\r    return 1\r", "python")
    assert await diagnostics_for(client, uri, 1) == []
    change(client, uri, 2, (1, 5), (1, 5), " = =")  # 'y = 2 = =': one error, on line 1
    [diagnostic] = await diagnostics_for(client, uri, 2)
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (1, 8)


async def test_a_change_outside_lsp_range_is_clamped(client: LanguageClient) -> None:
    uri = "file:///odd/clamped.py"
    open_doc(client, uri, "a = 1\n", "python")
    await diagnostics_for(client, uri, 1)
    message = {
        "method": "textDocument/didChange",
        "params": {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [
                {
                    "range": {
                        "start": {"line": 2**40, "character": 0},
                        "end": {"line": 2**40, "character": 0},
                    },
                    "text": "b = (\n",
                }
            ],
        },
    }
    await send_raw(client, message)
    [diagnostic] = await diagnostics_for(client, uri, 2)  # applied at the end, as the editor meant it
    assert diagnostic.message == "'(' is never closed"


async def send_unreadable_change(client: LanguageClient, uri: str) -> None:
    """A didChange whose range cannot be read (a line number as text): the document is lost until saved."""
    bad = {
        "range": {"start": {"line": "one", "character": 0}, "end": {"line": 0, "character": 0}},
        "text": "x",
    }
    message = {
        "method": "textDocument/didChange",
        "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [bad]},
    }
    await send_raw(client, message)


async def test_an_unreadable_change_marks_the_document_until_it_is_saved(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "lost.py"
    path.write_text("c = (\n", encoding="utf-8")
    uri = path.as_uri()
    open_doc(client, uri, "c = (\n", "python")
    assert await diagnostics_for(client, uri, 1)
    await send_unreadable_change(client, uri)
    for _ in range(200):
        shown = [m for m in client.messages if "lost track" in m.message]  # type: ignore[attr-defined]
        if shown:
            break
        await asyncio.sleep(0.02)
    assert shown, "the user is told once"
    assert await diagnostics_for(client, uri, 1) == []  # nothing is claimed about unknown text
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, 0))
    )
    assert hover is None
    path.write_text("c = (1)\nd = [\n", encoding="utf-8")
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
    for _ in range(300):
        found = client.published.get(uri)  # type: ignore[attr-defined]
        if found is not None and [d.message for d in found.diagnostics] == ["'[' is never closed"]:
            break
        await asyncio.sleep(0.02)
    assert [d.message for d in client.published[uri].diagnostics] == ["'[' is never closed"]  # type: ignore[attr-defined]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
async def test_a_save_that_would_read_back_a_fifo_leaves_the_server_answering(
    client: LanguageClient, tmp_path: Path
) -> None:
    """A lost document is read back from disk on save: a FIFO there would block the server forever."""
    os.mkfifo(tmp_path / "pipe.py")
    uri = (tmp_path / "pipe.py").as_uri()
    open_doc(client, uri, "p = 1\n", "python")
    await send_unreadable_change(client, uri)
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
    other = "file:///odd/after_fifo.py"
    open_doc(client, other, "def g():\n    pass\n", "python")
    symbols = await asyncio.wait_for(
        client.text_document_document_symbol_async(
            types.DocumentSymbolParams(types.TextDocumentIdentifier(other))
        ),
        10,
    )
    assert symbols


async def test_a_huge_one_line_file_never_stops_the_server(client: LanguageClient) -> None:
    small = "file:///odd/small.py"
    open_doc(client, small, "def f(:\n", "python")
    await diagnostics_for(client, small, 1)
    big = "file:///odd/data.py"
    open_doc(client, big, "DATA = [" + "1, " * 1_200_000 + "]\n", "python")
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(small))
    )
    assert symbols is not None  # answered while the big document is taken in
    change(client, big, 2, (0, 0), (0, 0), "# ")
    assert await diagnostics_for(client, big, 2) == []


async def test_a_large_file_is_parsed_in_the_background_and_outlined(client: LanguageClient) -> None:
    uri = "file:///odd/big.js"
    text = "".join(f"function f{i}(a) {{\n  return a + {i};\n}}\n" for i in range(20_000))
    open_doc(client, uri, text, "javascript")
    assert await diagnostics_for(client, uri, 1) == []
    change(client, uri, 2, (0, 0), (0, 0), "function broken( {\n")
    found = await diagnostics_for(client, uri, 2)
    assert found and found[0].range.start.line == 0
    symbols: Any = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
    )
    assert len(symbols) >= 20_000


async def test_documents_nested_deeper_than_any_recursion_limit(client: LanguageClient) -> None:
    """Documents nested deeper than Python's recursion limit are outlined and diagnosed.

    300 nested classes (the outline's answer was too deep to serialize: no answer at all); a syntax error
    under 50,000 brackets (the error walk recursed past the limit: no diagnostics).
    """
    classes = "".join(" " * i + f"class C{i}:\n" for i in range(300)) + " " * 300 + "pass\n"
    open_doc(client, "file:///odd/classes.py", classes, "python")
    asked = client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier("file:///odd/classes.py"))
    )
    symbols = await asyncio.wait_for(asked, 60)  # it was never answered
    depth, level = 0, symbols
    while level:
        depth, level = depth + 1, level[0].children  # type: ignore[union-attr]
    assert symbols and symbols[0].name == "C0" and 32 <= depth <= 65  # outlined, its deepest levels left out
    uri = "file:///odd/brackets.py"
    open_doc(client, uri, "[" * 50_000 + "1,," + "]" * 50_000, "python")
    [diagnostic] = await diagnostics_for(client, uri, 1)
    assert diagnostic.message == "unexpected ','" and diagnostic.range.start.character == 50_002
