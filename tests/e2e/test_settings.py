"""Settings from initializationOptions and didChangeConfiguration, valid and invalid."""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp_session import diagnostics_for, open_doc, start


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
