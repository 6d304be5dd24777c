"""Settings from initializationOptions and didChangeConfiguration, valid and invalid."""

from __future__ import annotations

import asyncio
import struct
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp_session import change, diagnostics_for, open_doc, request, start, wait_messages

MODEL_SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "ghostline", "serve"])


@pytest_lsp.fixture(config=MODEL_SERVER)
async def model_client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    """A server that loads ``model.name`` (no ``--no-model``)."""
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_invalid_settings_warn_and_fall_back(raw_client: LanguageClient) -> None:
    await start(
        raw_client,
        "visual_studio_code",
        {"diagnostics": {"debounceMs": "soon", "enabled": True}, "bogus": 1},
    )
    for _ in range(500):
        if raw_client.messages:
            break
        await asyncio.sleep(0.01)
    [message] = raw_client.messages
    assert message.type == types.MessageType.Warning
    assert "diagnostics.debounceMs" in message.message and "bogus" in message.message
    uri = "file:///project/settings.py"
    open_doc(raw_client, uri, "x = (\n", "python")
    assert await diagnostics_for(raw_client, uri, 1)  # defaults still work


async def test_diagnostics_can_be_turned_off(raw_client: LanguageClient) -> None:
    await start(raw_client, "neovim", {"diagnostics": {"enabled": False}})
    uri = "file:///project/off.py"
    open_doc(raw_client, uri, "x = (\n", "python")
    assert await diagnostics_for(raw_client, uri, 1) == []
    raw_client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ghostline": {"diagnostics": {"enabled": True}}})
    )
    for _ in range(500):
        if raw_client.diagnostics.get(uri):
            break
        await asyncio.sleep(0.01)
    assert raw_client.diagnostics.get(uri)


def _send_text(client: LanguageClient, body: str) -> None:
    """Write one JSON-RPC message whose text is given verbatim (``1e400`` stays a literal)."""
    assert client.protocol.writer is not None
    client.protocol.writer.write(f"Content-Length: {len(body.encode())}\r\n\r\n{body}".encode())


async def test_out_of_range_settings_warn_once_and_diagnostics_keep_working(
    raw_client: LanguageClient,
) -> None:
    options = {
        "diagnostics": {"maxProblems": -1, "debounceMs": 10**400},
        "completion": {"contextTokens": -100},
        "model": {"nCtx": -5, "nThreads": 600},
    }
    await start(raw_client, "visual_studio_code", options)
    [message] = await wait_messages(raw_client)
    assert message.type == types.MessageType.Warning
    for key in ("maxProblems", "diagnostics.debounceMs", "contextTokens", "model.nCtx", "model.nThreads"):
        assert key in message.message, key
    uri = "file:///project/ranges.py"
    open_doc(raw_client, uri, "x = 1\n", "python")
    assert await diagnostics_for(raw_client, uri, 1) == []
    change(raw_client, uri, 2, (0, 4), (0, 5), "(")  # debounced: 10**400 ms overflowed asyncio.sleep
    [error] = await diagnostics_for(raw_client, uri, 2)  # maxProblems -1 dropped the only error
    assert error.severity == types.DiagnosticSeverity.Error
    body = '{"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration", "params": {"settings": '
    _send_text(raw_client, body + '{"diagnostics": {"debounceMs": 1e400, "maxProblems": 5}}}}')
    for _ in range(500):
        if len(raw_client.messages) > 1:
            break
        await asyncio.sleep(0.01)
    assert len(raw_client.messages) == 2 and "diagnostics.debounceMs" in raw_client.messages[1].message
    change(raw_client, uri, 3, (0, 4), (0, 5), "1")
    assert await diagnostics_for(raw_client, uri, 3) == []


async def test_forged_gguf_ends_in_error_with_one_message(
    model_client: LanguageClient, tmp_path: Path
) -> None:
    forged = tmp_path / "forged.gguf"  # the first metadata key claims 2**62 bytes: was MemoryError
    forged.write_bytes(b"GGUF" + struct.pack("<IQQQ", 3, 0, 1, 2**62) + b"general" + bytes(64))
    await start(model_client, "visual_studio_code", {"model": {"name": str(forged)}})
    info: dict[str, Any] = {}
    for _ in range(300):
        info = await request(model_client, "ghostline/modelInfo")
        if info["state"] in ("error", "ready"):  # was "loading" forever
            break
        await asyncio.sleep(0.1)
    assert info["state"] == "error", info
    [message] = await wait_messages(model_client)
    assert message.type == types.MessageType.Error
    assert "forged.gguf" in message.message and "truncated or corrupt" in message.message
    [reports] = [r for t, r in model_client.progress_reports.items() if str(t).startswith("ghostline-model")]
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd) and reports[-1].message == "failed"
    uri = "file:///project/after.py"
    open_doc(model_client, uri, "x = (\n", "python")
    assert await diagnostics_for(model_client, uri, 1)  # syntax features keep working
