"""On a slow machine nothing is silently lost: cut suggestions land later, actions list while loading.

A suggestion cut by the budget goes on, lands and is announced; code actions are listed while the model
still loads. The real server over stdio, the real default model.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp_session import inline, open_doc, request, start, wait_ready

pytestmark = [pytest.mark.model]  # one server per test: the second must see the model still loading
SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "ghostline", "serve"],
    server_env={**os.environ, "GHOSTLINE_STATE_DIR": tempfile.mkdtemp(prefix="ghostline-state-")},
)
TIGHT = {  # a budget no model call meets: every first answer is cut, and goes on in the background
    "completion": {
        "maxLatencyMs": 50,
        "debounceMs": 0,
        "adaptiveDebounce": False,
        "prefetch": False,
        "warmup": False,
    },
    "model": {"nCtx": 2048},
}
SAMPLE = (
    'def fahrenheit_to_celsius(degrees):\n    """Convert a temperature from Fahrenheit to Celsius."""\n'
    "    return "
)


def record_ready(client: LanguageClient) -> list[Any]:
    ready: list[Any] = []
    client.protocol.fm.features["ghostline/suggestionReady"] = ready.append
    return ready


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_a_cut_suggestion_goes_on_lands_and_is_served_from_the_cache(client: LanguageClient) -> None:
    ready = record_ready(client)
    await start(client, "visual_studio_code", TIGHT)
    await wait_ready(client)
    uri = "file:///slow/convert.py"
    open_doc(client, uri, SAMPLE, "python")
    at = types.Position(2, len("    return "))
    before = await request(client, "ghostline/stats")
    assert await inline(client, uri, at) == []  # the budget ran out: nothing yet
    cut = await request(client, "ghostline/stats")
    assert cut["cut"] == before["cut"] + 1
    for _ in range(600):  # it went on in the background and the server said so
        if ready:
            break
        await asyncio.sleep(0.1)
    assert ready, "no ghostline/suggestionReady"
    landed = await request(client, "ghostline/stats")
    [item] = await inline(client, uri, at)
    after = await request(client, "ghostline/stats")
    assert str(item.insert_text).strip()
    assert after["cache_hits"] == landed["cache_hits"] + 1 and after["model_calls"] == landed["model_calls"]
    assert after["background_ready"] >= 1


async def test_code_actions_are_listed_while_the_model_loads(client: LanguageClient) -> None:
    await start(client, "visual_studio_code", {"model": {"nCtx": 2048}})
    uri = "file:///slow/listed.py"
    open_doc(client, uri, "def area(radius):\n    return 3.14 * radius ** 2\n", "python")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            types.Range(types.Position(0, 5), types.Position(0, 5)),
            types.CodeActionContext(diagnostics=[]),
        )
    )
    state = (await request(client, "ghostline/modelInfo"))["state"]
    titles = [a.title for a in actions or [] if isinstance(a, types.CodeAction)]
    assert "Ghostline: Generate docstring for 'area'" in titles, (state, titles)
    assert state in ("loading", "ready")  # asked right after initialized: normally still loading
    await wait_ready(client)
