"""A real model that cannot repair the code: a clear message and no edit (SmolLM2, a general 135M model)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from ghostline.model import fetch, registry
from tests.lsp_session import diagnostics_for, open_doc, start, wait_messages, wait_ready

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "ghostline", "serve"])

BROKEN_GO = (
    "package main\n\n"
    'import "fmt"\n\n'
    "func total(xs []int) int {\n\ts := 0\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\n\n"
    "func main() {\n\tfmt.Println(total([]int{1, 2, 3})\n}\n"
)


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    fetch.pull(registry.resolve("smollm2-135m"))
    await start(lsp_client, "visual_studio_code", {"model": {"name": "smollm2-135m", "nCtx": 2048}})
    await wait_ready(lsp_client)
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_no_safe_fix_is_said_once_and_nothing_changes(client: LanguageClient) -> None:
    uri = "file:///project/main.go"
    open_doc(client, uri, BROKEN_GO, "go")
    found = [d for d in await diagnostics_for(client, uri, 1) if d.source == "ghostline"]
    assert found, "the missing ')' got no diagnostic"
    listed = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            types.Range(found[0].range.start, found[0].range.start),
            types.CodeActionContext(found[:1]),
        )
    )
    [fix] = [a for a in listed or [] if isinstance(a, types.CodeAction) and a.kind == "quickfix"]
    resolved = await client.code_action_resolve_async(fix)
    assert resolved.edit is None  # every candidate failed verification: no broken edit is offered
    [message] = await wait_messages(client)
    assert message.type == types.MessageType.Warning
    assert "no safe fix" in message.message and "nothing was changed" in message.message
