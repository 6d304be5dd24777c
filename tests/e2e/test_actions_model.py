"""Repair, code from comments, tests, explanations and AI review over stdio with the real default model."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from ghostline.engine.document import Document
from ghostline.harness.demo import apply_lsp_edits
from ghostline.model import fetch, registry
from ghostline.syntax.definitions import find_definitions
from tests.lsp_session import diagnostics_for, open_doc, request, start, wait_ready

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "ghostline", "serve"])


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    fetch.pull(registry.resolve("qwen2.5-coder-0.5b"))
    await start(lsp_client, "visual_studio_code", {"model": {"nCtx": 4096}})
    await wait_ready(lsp_client)
    yield lsp_client
    await lsp_client.shutdown_session()


async def actions(
    client: LanguageClient, uri: str, at: types.Position, found: list[types.Diagnostic] | None = None
) -> list[types.CodeAction]:
    listed = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), types.Range(at, at), types.CodeActionContext(found or [])
        )
    )
    return [a for a in listed or [] if isinstance(a, types.CodeAction)]


async def resolve_one(
    client: LanguageClient,
    uri: str,
    at: types.Position,
    title: str,
    found: list[types.Diagnostic] | None = None,
) -> types.WorkspaceEdit | None:
    [action] = [a for a in await actions(client, uri, at, found) if title in a.title]
    assert action.edit is None  # listing is instant; the model runs on resolve
    return (await client.code_action_resolve_async(action)).edit


def edited(text: str, edit: types.WorkspaceEdit | None, version: int = 1) -> str:
    assert edit is not None and edit.document_changes is not None
    [change] = edit.document_changes
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.version == version
    return apply_lsp_edits(text, [e for e in change.edits if isinstance(e, types.TextEdit)])


def clean(name: str, text: str) -> Document:
    doc = Document(name, text)
    assert doc.syntax is not None and not doc.syntax.root.has_error, text
    if name.endswith(".py"):
        compile(text, name, "exec")
    return doc


BROKEN_PY = (
    "import json\n\n\n"
    "def load(path):\n"
    "    with open(path) as f:\n"
    "        data = json.load(f\n"
    "    return data['items']\n\n\n"
    "def keys(d):\n"
    "    return sorted(d)\n"
)


async def test_fix_python_syntax_error_is_verified_and_local(client: LanguageClient) -> None:
    uri = "file:///project/broken.py"
    open_doc(client, uri, BROKEN_PY, "python")
    found = await diagnostics_for(client, uri, 1)
    syntax = [d for d in found if d.source == "ghostline"]
    assert syntax, found
    [action] = [
        a for a in await actions(client, uri, syntax[0].range.start, syntax[:1]) if a.kind == "quickfix"
    ]
    assert action.title.startswith("Fix with Ghostline") and action.diagnostics
    resolved = await client.code_action_resolve_async(action)
    result = edited(BROKEN_PY, resolved.edit)
    clean("broken.py", result)
    assert result.endswith("def keys(d):\n    return sorted(d)\n")  # the other function is untouched
    assert result.startswith("import json\n\n\ndef load(path):\n")


async def test_fix_javascript_syntax_error(client: LanguageClient) -> None:
    source = "function greet(name) {\n  const msg = 'Hello, ' + name;\n  console.log(msg;\n  return msg;\n}\n"
    uri = "file:///project/greet.js"
    open_doc(client, uri, source, "javascript")
    found = [d for d in await diagnostics_for(client, uri, 1) if d.source == "ghostline"]
    result = edited(
        source, await resolve_one(client, uri, found[0].range.start, "Fix with Ghostline", found[:1])
    )
    clean("greet.js", result)
    assert "console.log(msg)" in result.replace(" ", "")


async def test_fix_a_diagnostic_from_another_server(client: LanguageClient) -> None:
    source = "import math\n\n\ndef area(r):\n    return mth.pi * r ** 2\n"
    uri = "file:///project/area.py"
    open_doc(client, uri, source, "python")
    at = types.Range(types.Position(4, 11), types.Position(4, 14))
    pyright = types.Diagnostic(at, '"mth" is not defined', source="Pyright", code="reportUndefinedVariable")
    result = edited(source, await resolve_one(client, uri, at.start, "Fix with Ghostline", [pyright]))
    clean("area.py", result)
    assert result != source and result.startswith("import math\n\n\ndef area(r):\n")


async def test_generate_code_from_english_and_chinese_comments(client: LanguageClient) -> None:
    for name, comment in [
        ("evens_en.py", "# return the sum of all even numbers in a list"),
        ("evens_zh.py", "# 给定一个列表，输出列表中所有偶数的和"),
    ]:
        source = f"import math\n\n{comment}\n"
        uri = f"file:///project/{name}"
        open_doc(client, uri, source, "python")
        result = edited(
            source, await resolve_one(client, uri, types.Position(2, 3), "Generate code from comment")
        )
        doc = clean(name, result)
        assert result.startswith(source)  # inserted below the comment, which stays as it was
        assert len(result.strip().split("\n")) > len(source.strip().split("\n"))
        assert doc.language is not None and doc.syntax is not None
        assert find_definitions(doc.language, doc.syntax.root) or "for " in result


async def test_generate_tests_creates_a_pytest_module_beside_existing_tests(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname='shop'\n")
    (tmp_path / "tests").mkdir()
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    source = "def discount(price, percent):\n    return round(price * (1 - percent / 100), 2)\n"
    module = package / "pricing.py"
    module.write_text(source)
    uri = module.as_uri()
    open_doc(client, uri, source, "python")
    edit = await resolve_one(client, uri, types.Position(0, 5), "Generate tests for 'discount'")
    assert edit is not None and edit.document_changes is not None
    create, change = edit.document_changes
    test_file = tmp_path / "tests" / "test_pricing.py"
    assert isinstance(create, types.CreateFile) and create.uri == test_file.as_uri()
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.uri == test_file.as_uri()
    text = apply_lsp_edits("", [e for e in change.edits if isinstance(e, types.TextEdit)])
    doc = clean("test_pricing.py", text)
    assert "from shop.pricing import discount" in text
    assert doc.language is not None and doc.syntax is not None
    tests = [d.name for d in find_definitions(doc.language, doc.syntax.root) if d.name.startswith("test")]
    assert tests and "def discount" not in text


async def test_explain_adds_a_comment_block_above(client: LanguageClient) -> None:
    source = "def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n"
    uri = "file:///project/clamp.py"
    open_doc(client, uri, source, "python")
    result = edited(source, await resolve_one(client, uri, types.Position(1, 8), "Explain 'clamp'"))
    clean("clamp.py", result)
    head, _, rest = result.partition("def clamp")
    assert rest == source.partition("def clamp")[2]
    assert head.strip() and all(line.startswith("# ") for line in head.strip().split("\n"))


async def test_cancelled_resolve_stops_generating(client: LanguageClient) -> None:
    before = (await request(client, "ghostline/stats"))["actions_cancelled"]
    source = "# parse a CSV file and return a list of dicts, one per row, skipping blank lines\n"
    uri = "file:///project/cancel.py"
    open_doc(client, uri, source, "python")
    [action] = [a for a in await actions(client, uri, types.Position(0, 3)) if "Generate code" in a.title]
    running = asyncio.ensure_future(
        client.protocol.send_request_async(types.CODE_ACTION_RESOLVE, action, msg_id="resolve-1")
    )
    await asyncio.sleep(1.0)
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="resolve-1"))
    with pytest.raises(Exception, match="cancel"):
        await asyncio.wait_for(running, 30)  # answered at once, as cancelled
    for _ in range(600):
        if (await request(client, "ghostline/stats"))["actions_cancelled"] > before:
            break
        await asyncio.sleep(0.1)
    assert (await request(client, "ghostline/stats"))["actions_cancelled"] == before + 1


async def test_ai_review_on_save_publishes_information_diagnostics(client: LanguageClient) -> None:
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ghostline": {"diagnostics": {"ai": "onSave"}}})
    )
    source = (
        "def average(xs):\n    total = 0\n    for i in range(1, len(xs)):\n"
        "        total += xs[i]\n    return total / len(xs)\n"
    )
    uri = "file:///project/review.py"
    open_doc(client, uri, source, "python")
    await diagnostics_for(client, uri, 1)
    before = (await request(client, "ghostline/stats"))["reviewed_functions"]
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
    for _ in range(1800):  # a busy 2-core machine can take minutes
        if (await request(client, "ghostline/stats"))["reviewed_functions"] > before:
            break
        await asyncio.sleep(0.1)
    assert (await request(client, "ghostline/stats"))["reviewed_functions"] == before + 1
    await asyncio.sleep(0.3)
    ai = [d for d in client.diagnostics.get(uri, []) if d.source == "ghostline-ai"]
    assert all(d.severity == types.DiagnosticSeverity.Information and d.range.start.line <= 4 for d in ai)
    # Saving again without a change reviews nothing new.
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
    await asyncio.sleep(1.0)
    assert (await request(client, "ghostline/stats"))["reviewed_functions"] == before + 1
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ghostline": {"diagnostics": {"ai": "off"}}})
    )
