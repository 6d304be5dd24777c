"""``ghostline doctor`` as a user runs it, and the server's ``auto`` model choice (no model is loaded)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from ghostline.config import ModelSettings
from ghostline.model import choice, fetch, registry
from tests.lsp_session import request, start, wait_messages

EMPTY_MODELS = Path(os.environ.get("TMPDIR", "/tmp")) / "ghostline-test-doctor-models"
EMPTY_SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "ghostline", "serve"],
    server_env={**os.environ, "GHOSTLINE_MODELS_DIR": str(EMPTY_MODELS)},
)


def ghostline(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ghostline", *args], capture_output=True, text=True, timeout=60, env=env
    )


def test_doctor_json_has_every_finding() -> None:
    began = time.perf_counter()
    run = ghostline("doctor", "--json")
    took = time.perf_counter() - began
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert set(found) >= {"cores", "memory", "gpu", "llama_cpp", "models", "sandbox", "choice"}
    assert set(found["cores"]) >= {"physical", "logical", "usable", "cgroup_quota", "for_model"}
    assert set(found["memory"]) >= {"available_bytes", "total_bytes", "cgroup_limit_bytes"}
    assert set(found["gpu"]) == {"offload_supported", "device", "usable"}
    assert found["llama_cpp"]["version"] and isinstance(found["llama_cpp"]["flags"], list)
    assert all(set(m) == {"name", "bytes"} for m in found["models"]["downloaded"])
    assert {"kind", "namespaces", "works"} <= set(found["sandbox"])
    picked = found["choice"]
    assert picked["setting"] == "auto" and picked["name"] in (choice.SMALL, choice.LARGE)
    assert picked["reason"].startswith("auto: ")
    if found["cores"]["for_model"] < choice.MIN_CORES and not found["gpu"]["usable"]:
        assert picked["name"] == choice.SMALL
    assert took < 10, f"doctor took {took:.1f} s (no model may load)"  # < 2 s on an idle machine


def test_doctor_text_names_the_choice_and_its_reason() -> None:
    run = ghostline("doctor")
    assert run.returncode == 0, run.stderr
    for label in ("cores:", "memory:", "GPU offload:", "llama.cpp:", "models:", "sandbox:"):
        assert label in run.stdout, run.stdout
    assert "model.name = auto -> qwen2.5-coder-" in run.stdout


def test_model_commands_resolve_auto_to_a_preset() -> None:
    env = {**os.environ, "GHOSTLINE_MODELS_DIR": str(EMPTY_MODELS)}
    run = ghostline("model", "path", env=env)  # the default name is auto
    assert run.returncode == 1
    assert "auto: qwen2.5-coder-" in run.stderr and "not downloaded" in run.stderr
    assert "'auto'" not in run.stderr and "auto: not downloaded" not in run.stderr
    listing = ghostline("model", "list", env=env)
    assert listing.stdout.count("(auto: chosen here)") == 1, listing.stdout


@pytest_lsp.fixture(config=EMPTY_SERVER)
async def empty_client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_server_reports_the_choice_and_never_fetches_auto(empty_client: LanguageClient) -> None:
    statuses: list[dict[str, Any]] = []
    empty_client.protocol.fm.features["ghostline/status"] = lambda params: statuses.append(
        params._asdict() if hasattr(params, "_asdict") else dict(params)
    )
    empty_client.protocol.fm.features[types.CLIENT_REGISTER_CAPABILITY] = lambda params: None
    await start(empty_client, "visual_studio_code", {"model": {"autoPull": False}, "logLevel": "info"})
    [message] = await wait_messages(empty_client)
    assert "ghostline model pull qwen2.5-coder-" in message.message, message.message
    info = await request(empty_client, "ghostline/modelInfo")
    info = info if isinstance(info, dict) else dict(info)
    assert info["state"] == "error" and info["choice_reason"].startswith("auto: "), info
    for _ in range(50):
        if statuses:
            break
        await asyncio.sleep(0.05)
    assert statuses and all(s["model"].startswith("qwen2.5-coder-") for s in statuses), statuses
    logged = [m.message for m in empty_client.log_messages if m.message.startswith("model: qwen2.5-coder-")]
    assert len(logged) == 1 and "(auto: " in logged[0], [m.message for m in empty_client.log_messages]
    shown = " ".join(m.message for m in empty_client.messages if m.type == types.MessageType.Error)
    assert "'auto'" not in shown and "pull auto" not in shown, shown


MODEL_SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "ghostline", "serve"])


@pytest_lsp.fixture(config=MODEL_SERVER)
async def model_client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest.mark.model
async def test_auto_loads_the_chosen_preset(model_client: LanguageClient) -> None:
    expected = choice.decide(ModelSettings())
    fetch.pull(registry.resolve(expected.name))
    model_client.protocol.fm.features[types.CLIENT_REGISTER_CAPABILITY] = lambda params: None
    await start(model_client, "neovim", {"model": {"nCtx": 512}})
    for _ in range(1200):
        info = await request(model_client, "ghostline/modelInfo")
        info = info if isinstance(info, dict) else dict(info)
        if info["state"] in ("ready", "error"):
            break
        await asyncio.sleep(0.1)
    assert info["state"] == "ready", info
    assert info["name"] == expected.name and info["choice_reason"].startswith("auto: "), info
    ready = [m.message for m in model_client.log_messages if m.message.startswith("model ready: ")]
    assert len(ready) == 1 and ready[0].startswith(f"model ready: {expected.name} "), ready
    said = [m.message for m in model_client.log_messages if m.message.startswith(f"model: {expected.name} (")]
    assert len(said) == 1 and "(auto: " in said[0], said  # the choice, logged once


def test_doctor_shows_the_workspaces_own_adapter(tmp_path: Path) -> None:
    from ghostline.model.adapter_record import name_hash, write_record

    def doctor() -> str:
        run = subprocess.run(
            [sys.executable, "-m", "ghostline", "doctor"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        return run.stdout

    assert "adapter:      none in this workspace" in doctor()
    own = tmp_path / ".ghostline" / "adapter.gguf"
    own.parent.mkdir()
    own.write_bytes(b"GGUF")
    write_record(own, "qwen2.5-coder-0.5b", "shop", [name_hash("a"), name_hash("b")])
    shown = doctor()
    assert f"adapter:      {own} (for qwen2.5-coder-0.5b, trained " in shown and "on 2 definitions" in shown
