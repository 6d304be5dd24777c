"""End to end over stdio: capabilities, document sync and syntax diagnostics in every language."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp_session import change, diagnostics_for, encoding_of, open_doc

BROKEN = Path(__file__).parents[1] / "fixtures" / "broken"
LANGUAGE_IDS = {
    ".py": "python",
    ".js": "javascript",
    ".ts": "typescript",
    ".tsx": "typescriptreact",
    ".rs": "rust",
    ".go": "go",
    ".java": "java",
    ".c": "c",
    ".cpp": "cpp",
    ".lua": "lua",
    ".sh": "shellscript",
}
MARK = "(w * h"
pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_capabilities(client: LanguageClient) -> None:
    caps: types.ServerCapabilities = client.init_result.capabilities  # type: ignore[attr-defined]
    sync = caps.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert sync.open_close is True
    offered = {
        "visual_studio_code": "utf-16",
        "neovim": "utf-8",
    }[client.profile]  # type: ignore[attr-defined]
    assert caps.position_encoding == offered


@pytest.mark.parametrize("path", sorted(BROKEN.iterdir()), ids=lambda p: p.suffix)
async def test_fix_then_clear_cycle(client: LanguageClient, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    row = next(i for i, line in enumerate(text.splitlines()) if MARK in line)
    col = text.splitlines()[row].index(MARK) + len(MARK)
    uri = f"file:///project/{path.name}"
    open_doc(client, uri, text, LANGUAGE_IDS[path.suffix])
    found = await diagnostics_for(client, uri, 1)
    assert found, f"no syntax error reported for {path.name}"
    assert all(d.source == "ghostline" and str(d.code).startswith("syntax/") for d in found)
    assert found[0].range.start.line == row
    assert found[0].severity == types.DiagnosticSeverity.Error

    change(client, uri, 2, (row, col), (row, col), "))" if path.suffix == ".sh" else ")")
    assert await diagnostics_for(client, uri, 2) == []

    change(client, uri, 3, (row, col), (row, col + 1), "")  # break it again
    assert await diagnostics_for(client, uri, 3)

    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    for _ in range(500):
        if client.published[uri].version is None:  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.01)
    assert list(client.published[uri].diagnostics) == []  # type: ignore[attr-defined]


async def test_columns_after_emoji(client: LanguageClient) -> None:
    text = 'label = "😀 ok" + (\n'
    uri = "file:///project/emoji.py"
    open_doc(client, uri, text, "python")
    [diag] = await diagnostics_for(client, uri, 1)
    paren = text.index("(")
    expected = (
        len(text[:paren].encode("utf-16-le")) // 2
        if encoding_of(client) == "utf-16"
        else len(text[:paren].encode("utf-8"))
    )
    assert diag.range.start == types.Position(0, expected)

    # Insert after the emoji using the client's own column units, then the error moves right by 3.
    after_emoji = text.index("😀") + 1
    units = (
        len(text[:after_emoji].encode("utf-16-le")) // 2
        if encoding_of(client) == "utf-16"
        else len(text[:after_emoji].encode("utf-8"))
    )
    change(client, uri, 2, (0, units), (0, units), "abc")
    [moved] = await diagnostics_for(client, uri, 2)
    assert moved.range.start == types.Position(0, expected + 3)


async def test_crlf_document(client: LanguageClient) -> None:
    text = "def f():\r\n    return 1\r\n\r\nx = [1, 2\r\ny = 3\r\n"
    uri = "file:///project/crlf.py"
    open_doc(client, uri, text, "python")
    [diag] = await diagnostics_for(client, uri, 1)
    assert diag.range.start == types.Position(3, 4)
    change(client, uri, 2, (3, 9), (3, 9), "]")
    assert await diagnostics_for(client, uri, 2) == []
    # An edit spanning a CRLF line break keeps line numbering right.
    change(client, uri, 3, (0, 8), (1, 4), "\r\n  (")
    [later] = await diagnostics_for(client, uri, 3)
    assert later.range.start.line == 1


async def test_language_from_extension_when_id_unknown(client: LanguageClient) -> None:
    uri = "file:///project/lib.rs"
    open_doc(client, uri, "fn main() {\n    let x = (1 + 2;\n}\n", "plaintext-unknown")
    [diag] = await diagnostics_for(client, uri, 1)
    assert diag.range.start.line == 1


async def test_unsupported_language_gets_empty_diagnostics(client: LanguageClient) -> None:
    uri = "file:///project/notes.txt"
    open_doc(client, uri, "just ( text", "plaintext")
    assert await diagnostics_for(client, uri, 1) == []
