"""The language server with ``model.backend = remote`` when the server is down, or refuses the settings."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp_session import diagnostics_for, open_doc, start

from .lsp_helpers import SOURCE, inline, options, wait_state
from .servers import LlamaServer, Proxy, free_port, lsp_env

pytestmark = pytest.mark.model
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "ghostline", "serve"], server_env=lsp_env())


@pytest_lsp.fixture(config=SERVER)
async def fresh(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_unreachable_at_start_one_message_then_reconnects(
    fresh: LanguageClient, llama_server: LlamaServer
) -> None:
    proxy = Proxy(llama_server.port, free_port())  # not listening yet: the server is "down"
    await start(fresh, "neovim", options(proxy.url))
    await wait_state(fresh, {"offline"})
    uri = "file:///project/remote_down.py"
    open_doc(fresh, uri, "x = (\n", "python")
    assert await diagnostics_for(fresh, uri, 1)  # syntax features keep working
    for _ in range(5):
        assert await inline(fresh, uri, 0, 5) == ""
    [message] = fresh.messages
    assert message.type == types.MessageType.Error
    assert "cannot reach the inference server" in message.message and "retrying" in message.message
    proxy.start()
    try:
        await wait_state(fresh, {"ready"}, timeout=30)
        open_doc(fresh, "file:///project/remote_up.py", SOURCE, "python")
        assert (await inline(fresh, "file:///project/remote_up.py", 1, 11)).strip()
        assert len(fresh.messages) == 1
    finally:
        proxy.stop()


@pytest.mark.parametrize(
    ("remote", "setting"),
    [
        ({"model": "no-such-model"}, "remote.model"),
        ({"apiKeyEnv": "GHOSTLINE_TEST_NO_SUCH_VAR"}, "remote.apiKeyEnv"),
    ],
)
async def test_refusals_name_the_setting_to_fix(
    fresh: LanguageClient, llama_server: LlamaServer, remote: dict[str, str], setting: str
) -> None:
    await start(fresh, "visual_studio_code", options(llama_server.url, **remote))
    got = await wait_state(fresh, {"error", "ready"})
    assert got["state"] == "error"
    for _ in range(100):
        if fresh.messages:
            break
        await asyncio.sleep(0.05)
    [message] = fresh.messages
    assert setting in message.message
