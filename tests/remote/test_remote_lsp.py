"""The language server with ``model.backend = remote``: completion through a real server, slow or cut."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp_session import open_doc, start

from .lsp_helpers import COMPLETION, SOURCE, info, inline, options, wait_state
from .servers import LlamaServer, Proxy, lsp_env

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "ghostline", "serve"], server_env=lsp_env())


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def ready(client: LanguageClient, llama_server: LlamaServer) -> LanguageClient:
    await start(client, "visual_studio_code", options(llama_server.url))
    got = await wait_state(client, {"ready", "error"})
    assert got["state"] == "ready", got
    return client


async def reconfigure(client: LanguageClient, settings: dict[str, Any]) -> None:
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))
    await asyncio.sleep(0.3)
    await wait_state(client, {"ready"})


async def test_completion_through_the_server(ready: LanguageClient) -> None:
    got = await info(ready)
    assert got["architecture"].startswith("remote llama-cpp-python")
    assert got["fim_mode"].startswith("prefix-only")
    uri = "file:///project/remote_add.py"
    open_doc(ready, uri, SOURCE, "python")
    assert (await inline(ready, uri, 1, 11)).strip()


async def test_slow_server_answers_within_the_time_budget(ready: LanguageClient, proxy: Proxy) -> None:
    await reconfigure(ready, {**options(proxy.url), "completion": {**COMPLETION, "maxLatencyMs": 500}})
    proxy.delay_s = 4.0  # from now on every answer waits 4 s
    uri = "file:///project/remote_slow.py"
    open_doc(ready, uri, "def sub(x, y):\n    return \n", "python")  # not in the suggestion cache
    started = time.monotonic()
    assert await inline(ready, uri, 1, 11) == ""
    assert time.monotonic() - started < 1.5


async def test_cut_mid_stream_ends_empty_and_the_next_works(ready: LanguageClient, proxy: Proxy) -> None:
    await reconfigure(ready, options(proxy.url))
    uri = "file:///project/remote_cut.py"
    open_doc(ready, uri, "def mul(x, y):\n    return \n", "python")
    ready.messages.clear()
    proxy.cut_after = 400
    assert await inline(ready, uri, 1, 11) == ""
    assert (await info(ready))["state"] == "offline"
    proxy.cut_after = None
    open_doc(ready, "file:///project/remote_cut2.py", "def div(x, y):\n    return \n", "python")
    await inline(ready, "file:///project/remote_cut2.py", 1, 11)
    stats: Any = await ready.protocol.send_request_async("ghostline/stats", None)
    assert stats.last_generated_tokens > 0  # the server answered this one
    assert (await info(ready))["state"] == "ready"
    assert ready.messages == []  # a dropped connection is logged, not popped up


async def test_repair_action_through_the_server(ready: LanguageClient, proxy: Proxy) -> None:
    from ghostline.engine.document import Document
    from ghostline.harness.demo import apply_lsp_edits

    await reconfigure(ready, options(proxy.url))
    source = "def area(r):\n    return 3.14 * r * r\n\n\nprint(area(2)\n"
    uri = "file:///project/remote_fix.py"
    open_doc(ready, uri, source, "python")
    at = types.Position(4, 5)
    listed = await ready.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), types.Range(at, at), types.CodeActionContext([])
        )
    )
    [action] = [a for a in listed or [] if isinstance(a, types.CodeAction) and a.kind == "quickfix"]
    ready.messages.clear()
    connections = len(proxy.closed_by_client)
    resolved = await ready.code_action_resolve_async(action)
    assert len(proxy.closed_by_client) > connections  # the model ran on the remote server
    if resolved.edit is None:  # a tiny model may find nothing safe: then it must say so, and change nothing
        assert any("no safe fix" in m.message for m in ready.messages), ready.messages
        return
    [change] = resolved.edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    result = apply_lsp_edits(source, [e for e in change.edits if isinstance(e, types.TextEdit)])
    assert Document("fixed.py", result).problems() == [] and compile(result, "fixed.py", "exec")
