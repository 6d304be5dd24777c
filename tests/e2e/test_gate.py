"""The stay-silent gate over stdio with the real model: it keeps suggestions back, learns, and forgets."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from ghostline.engine.completion import gate as gates
from ghostline.model import fetch, registry
from tests.lsp_session import change, inline, open_doc, request, start, wait_ready

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]
STATE = Path(tempfile.mkdtemp(prefix="ghostline-gate-state-"))
SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "ghostline", "serve"],
    server_env={**os.environ, "GHOSTLINE_STATE_DIR": str(STATE)},
)
OPTIONS = {
    "completion": {"debounceMs": 0, "prefetch": False, "warmup": False, "maxLatencyMs": 60000},
    "model": {"nCtx": 2048},
}
MARKER = "zebra_quartz_marker"
SOURCE = f"# {MARKER}\ndef fahrenheit_to_celsius(degrees):\n    return "


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    fetch.pull(registry.resolve("qwen2.5-coder-0.5b"))
    await start(lsp_client, "visual_studio_code", OPTIONS)
    await wait_ready(lsp_client)
    yield lsp_client
    await lsp_client.shutdown_session()


def plant(threshold: float) -> None:
    """A gate whose weights are all 0: its chance is 0.5 for any suggestion, kept back below ``threshold``."""
    n = len(gates.NAMES)
    gates.Gate([0.0] * n, 0.0, [0.0] * n, [1.0] * n, threshold, 1000).save(STATE / "gate.json")


async def test_the_gate_keeps_a_suggestion_back_then_one_shown_is_learned_from(
    client: LanguageClient,
) -> None:
    uri = "file:///project/gated.py"
    end = types.Position(2, len("    return "))
    plant(0.9)
    open_doc(client, uri, SOURCE, "python")
    assert await inline(client, uri, end) == []
    stats = await request(client, "ghostline/stats")
    assert stats["gated"] == 1 and stats["shown"] == 0

    plant(0.1)  # a new gate on disk: the server takes it up without a restart
    change(client, uri, 2, (2, 11), (2, 11), " ")  # typing over what was kept back
    change(client, uri, 3, (2, 11), (2, 12), "")
    [item] = await inline(client, uri, end)
    shown = str(item.insert_text)
    assert shown.strip()
    change(client, uri, 4, (2, 11), (2, 11), shown)  # the user types it out
    stats = await request(client, "ghostline/stats")
    assert stats["outcomes"]._asdict() == {"gated_typed_over": 1, "accepted": 1}

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={**OPTIONS, "completion": {**OPTIONS["completion"], "gate": False}}
        )
    )
    plant(0.9)
    change(client, uri, 5, (2, 11), (2, 11 + len(shown)), "")
    assert await inline(client, uri, end) != []  # the gate off: shown whatever it says
    assert (await request(client, "ghostline/stats"))["gated"] == 1

    files = [p for p in STATE.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"outcomes.jsonl", "gate.json"}
    for path in files:  # features and counts only: no document text, no suggestion
        text = path.read_text(encoding="utf-8")
        assert MARKER not in text and "fahrenheit" not in text and shown.strip() not in text


async def test_forget_removes_every_file() -> None:
    (STATE / "stats.json").write_text("{}")
    env = {**os.environ, "GHOSTLINE_STATE_DIR": str(STATE)}
    run = subprocess.run(
        [sys.executable, "-m", "ghostline", "forget"], capture_output=True, text=True, env=env
    )
    assert run.returncode == 0 and "forgot" in run.stdout
    assert not STATE.exists()
    stats = subprocess.run(
        [sys.executable, "-m", "ghostline", "stats"], capture_output=True, text=True, env=env
    )
    assert "not trained yet" in stats.stdout and "shown 0" in stats.stdout
