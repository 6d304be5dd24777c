"""The server loads its model in the background with $/progress, and reports model errors clearly."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from ghostline.model import fetch, registry
from tests.lsp_session import diagnostics_for, inline, open_doc, start, wait_messages

EMPTY_MODELS = Path(os.environ.get("TMPDIR", "/tmp")) / "ghostline-test-empty-models"
MODEL_SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "ghostline", "serve"])
EMPTY_SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "ghostline", "serve"],
    server_env={**os.environ, "GHOSTLINE_MODELS_DIR": str(EMPTY_MODELS)},
)


@pytest_lsp.fixture(config=MODEL_SERVER)
async def model_client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=EMPTY_SERVER)
async def empty_client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    yield lsp_client
    await lsp_client.shutdown_session()


async def model_info(client: LanguageClient, until: set[str], timeout: float = 120) -> dict[str, Any]:
    for _ in range(int(timeout * 10)):
        info: Any = await asyncio.wait_for(
            client.protocol.send_request_async("ghostline/modelInfo", None), 10
        )
        info = info._asdict() if hasattr(info, "_asdict") else dict(info)
        if info["state"] in until:
            return info
        await asyncio.sleep(0.1)
    raise TimeoutError(f"model never reached {until}")


@pytest.mark.model
async def test_model_loads_with_progress(model_client: LanguageClient) -> None:
    path = fetch.pull(registry.resolve("smollm2-135m"))
    await start(model_client, "visual_studio_code", {"model": {"name": str(path), "nCtx": 512}})
    info = await model_info(model_client, {"ready", "error"})
    assert info["state"] == "ready", info
    assert info["architecture"] == "llama"
    assert info["fim_mode"].startswith("prefix-only")
    [reports] = [r for t, r in model_client.progress_reports.items() if str(t).startswith("ghostline-model")]
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)


async def test_missing_model_file_shows_error_and_keeps_serving(model_client: LanguageClient) -> None:
    await start(model_client, "neovim", {"model": {"name": "/nowhere/model.gguf"}})
    [message] = await wait_messages(model_client)
    assert message.type == types.MessageType.Error
    assert "model file not found: /nowhere/model.gguf" in message.message
    assert (await model_info(model_client, {"error"}))["state"] == "error"
    uri = "file:///project/still.py"
    open_doc(model_client, uri, "x = (\n", "python")
    assert await diagnostics_for(model_client, uri, 1)


async def test_preset_not_downloaded_without_auto_pull(empty_client: LanguageClient) -> None:
    await start(empty_client, "visual_studio_code", {"model": {"name": "smollm2-135m", "autoPull": False}})
    [message] = await wait_messages(empty_client)
    assert "ghostline model pull smollm2-135m" in message.message


async def test_corrupt_model_file(model_client: LanguageClient, tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF\x03\x00\x00\x00")
    await start(model_client, "visual_studio_code", {"model": {"name": str(bad)}})
    [message] = await wait_messages(model_client)
    assert "truncated" in message.message


@pytest.mark.model
async def test_completion_without_fim_tokens(model_client: LanguageClient) -> None:
    path = fetch.pull(registry.resolve("smollm2-135m"))
    options = {
        "model": {"name": str(path), "nCtx": 1024},
        "completion": {"debounceMs": 0, "prefetch": False, "maxLatencyMs": 60000},
    }
    await start(model_client, "visual_studio_code", options)
    assert (await model_info(model_client, {"ready", "error"}))["fim_mode"].startswith("prefix-only")
    uri = "file:///project/smol.py"
    open_doc(model_client, uri, "def add(a, b):\n    return ", "python")
    [item] = await inline(model_client, uri, types.Position(1, 11), invoked=True)
    assert str(item.insert_text).strip()
