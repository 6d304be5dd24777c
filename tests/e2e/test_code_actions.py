"""Code actions over stdio with the real default model: docstrings land where each language expects them."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from ghostline import sandbox
from ghostline.engine.document import Document, Pos
from ghostline.model import fetch, registry
from ghostline.syntax.definitions import find_definitions
from tests.lsp_session import open_doc, start, wait_ready

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "ghostline", "serve"])
SOURCES = {  # (extension, language id, source, line and column inside the function's name)
    "python": (
        "py",
        "python",
        "import math\n\n\ndef circle_area(radius):\n    return math.pi * radius ** 2\n",
        (3, 6),
    ),
    "javascript": (
        "js",
        "javascript",
        "export function circleArea(r) {\n  return Math.PI * r * r;\n}\n",
        (0, 18),
    ),
    "typescript": (
        "ts",
        "typescript",
        "function circleArea(r: number): number {\n  return Math.PI * r * r;\n}\n",
        (0, 11),
    ),
    "rust": ("rs", "rust", "fn circle_area(r: f64) -> f64 {\n    std::f64::consts::PI * r * r\n}\n", (0, 5)),
    "go": (
        "go",
        "go",
        "package main\n\nfunc circleArea(r float64) float64 {\n\treturn 3.14 * r * r\n}\n",
        (2, 7),
    ),
    "java": (
        "java",
        "java",
        "class Shapes {\n    static double circleArea(double r) {\n        return Math.PI * r * r;\n"
        "    }\n}\n",
        (1, 20),
    ),
}


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    fetch.pull(registry.resolve("qwen2.5-coder-0.5b"))
    await start(lsp_client, "visual_studio_code", {"model": {"nCtx": 4096}})
    await wait_ready(lsp_client)
    yield lsp_client
    await lsp_client.shutdown_session()


async def actions_at(client: LanguageClient, uri: str, line: int, col: int) -> list[types.CodeAction]:
    at = types.Position(line, col)
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), types.Range(at, at), types.CodeActionContext([])
        )
    )
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


def applied(text: str, edit: types.WorkspaceEdit) -> str:
    assert edit.document_changes is not None
    [change] = edit.document_changes
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.version == 1
    doc = Document("x", text)
    for e in sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = doc.offset_at(Pos(e.range.start.line, e.range.start.character))
        end = doc.offset_at(Pos(e.range.end.line, e.range.end.character))
        text = text[:start] + e.new_text + text[end:]
        doc = Document("x", text)
    return text


@pytest.mark.parametrize("language", sorted(SOURCES))
async def test_docstring_lands_where_the_language_expects_it(client: LanguageClient, language: str) -> None:
    ext, language_id, source, (line, col) = SOURCES[language]
    uri = f"file:///project/doc_{language}.{ext}"
    open_doc(client, uri, source, language_id)
    [action] = [a for a in await actions_at(client, uri, line, col) if " doc" in a.title]
    assert action.edit is None  # listing is instant; the model runs on resolve
    resolved = await client.code_action_resolve_async(action)
    assert resolved.edit is not None
    result = applied(source, resolved.edit)
    doc = Document(f"x.{ext}", result)
    assert doc.syntax is not None and doc.language is not None
    assert not doc.syntax.root.has_error, result
    documented = [d for d in find_definitions(doc.language, doc.syntax.root) if d.kind != "class"]
    assert [d.doc is not None for d in documented] == [True], result  # the query sees it as the doc
    assert all(line_text in result.splitlines() for line_text in source.splitlines())  # code untouched


async def test_no_docstring_action_outside_definitions(client: LanguageClient) -> None:
    uri = "file:///project/plain.py"
    open_doc(client, uri, "import os\n\nx = 1\n", "python")
    assert await actions_at(client, uri, 2, 0) == []


async def test_regenerate_offered_when_a_docstring_exists(client: LanguageClient) -> None:
    uri = "file:///project/has_doc.py"
    open_doc(client, uri, 'def f(a):\n    """Old."""\n    return a\n', "python")
    titles = [a.title for a in await actions_at(client, uri, 0, 4)]
    assert "Ghostline: Regenerate docstring for 'f'" in titles
    assert not any("Generate docstring" in t for t in titles)


async def test_python_docstring_examples_are_true(client: LanguageClient) -> None:
    source = (
        "def count_vowels(text):\n    count = 0\n    for ch in text.lower():\n        if ch in 'aeiou':\n"
        "            count += 1\n    return count\n"
    )
    uri = "file:///project/vowels.py"
    open_doc(client, uri, source, "python")
    [action] = [a for a in await actions_at(client, uri, 0, 6) if " doc" in a.title]
    resolved = await client.code_action_resolve_async(action)
    assert resolved.edit is not None
    result = applied(source, resolved.edit)
    assert "    Examples:\n        >>> count_vowels(" in result, result
    # The examples' calls come from the model: they run in the sandbox, never here.
    doctest = "\n\nimport doctest, sys\nsys.exit(1 if doctest.testmod().failed else 0)\n"
    assert sandbox.run_program(result + doctest).passed, result
