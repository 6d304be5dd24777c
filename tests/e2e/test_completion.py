"""Inline completion end to end: the real server over stdio with the real default model."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from ghostline.engine.text import to_bytes
from ghostline.harness.client import inline_params
from ghostline.model import fetch, registry
from ghostline.syntax.cursor import error_count
from tests.lsp_session import change, inline, open_doc, request, start, wait_ready

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]
STATE_DIR = tempfile.mkdtemp(prefix="ghostline-state-")  # acceptance counts, away from the user's own
SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "ghostline", "serve"],
    server_env={**os.environ, "GHOSTLINE_STATE_DIR": STATE_DIR},
)
OPTIONS = {  # behaviour, not speed: a generous time budget keeps a busy machine from cutting suggestions
    "completion": {"debounceMs": 0, "prefetch": False, "warmup": False, "maxLatencyMs": 60000},
    "model": {"nCtx": 2048},
}
CURSOR = "█"
SOURCES = {
    "python": (
        "py",
        'import math\n\n\ndef circle_area(radius):\n    """Area of a circle."""\n    █\n\n\n'
        "print(circle_area(2))\n",
    ),
    "javascript": (
        "js",
        "function circleArea(radius) {\n  // area of a circle\n  return █\n}\n\n"
        "console.log(circleArea(2));\n",
    ),
    "rust": (
        "rs",
        "fn circle_area(radius: f64) -> f64 {\n    // area of a circle\n    let area = █\n}\n\n"
        "fn main() {}\n",
    ),
    "go": (
        "go",
        'package main\n\nimport "math"\n\n'
        "func circleArea(radius float64) float64 {\n\t// area of a circle\n\treturn █\n}\n",
    ),
}


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    fetch.pull(registry.resolve("qwen2.5-coder-0.5b"))
    await start(lsp_client, "visual_studio_code", OPTIONS)
    await wait_ready(lsp_client)
    yield lsp_client
    await lsp_client.shutdown_session()


def split(source: str) -> tuple[str, types.Position]:
    before = source[: source.index(CURSOR)]
    line = before.count("\n")
    column = len(before) - (before.rfind("\n") + 1)
    return source.replace(CURSOR, ""), types.Position(line, column)


@pytest.mark.parametrize("language", sorted(SOURCES))
async def test_suggestion_in_a_function_body_merges_cleanly(client: LanguageClient, language: str) -> None:
    ext, source = SOURCES[language]
    text, pos = split(source)
    uri = f"file:///project/body_{language}.{ext}"
    open_doc(client, uri, text, language)
    [item] = await inline(client, uri, pos)
    suggestion = str(item.insert_text)
    assert suggestion.strip(), "empty suggestion"
    assert item.command is not None and item.command.command == "ghostline.accepted"
    lines = text.split("\n")
    lines[pos.line] = lines[pos.line][: pos.character] + suggestion + lines[pos.line][pos.character :]
    merged = "\n".join(lines)
    assert error_count(language, to_bytes(merged)) <= error_count(language, to_bytes(text)), merged


async def test_typing_the_suggestion_is_answered_from_the_cache(client: LanguageClient) -> None:
    text, pos = split("def greet(name):\n    return █\n")
    uri = "file:///project/typed.py"
    open_doc(client, uri, text, "python")
    [first] = await inline(client, uri, pos)
    shown = str(first.insert_text)
    assert len(shown) >= 2
    before = await request(client, "ghostline/stats")
    change(client, uri, 2, (pos.line, pos.character), (pos.line, pos.character), shown[:2])
    [rest] = await inline(client, uri, types.Position(pos.line, pos.character + 2))
    after = await request(client, "ghostline/stats")
    assert rest.insert_text == shown[2:]
    assert after["cache_hits"] == before["cache_hits"] + 1
    assert after["model_calls"] == before["model_calls"]


async def test_fifty_requests_while_typing_all_answered_only_last_generates(client: LanguageClient) -> None:
    text, pos = split("def total(values):\n    result = 0\n    for v in values:\n        █\n")
    uri = "file:///project/burst.py"
    open_doc(client, uri, text, "python")
    debounced = {**OPTIONS, "completion": {**OPTIONS["completion"], "debounceMs": 60}}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=debounced))
    before = await request(client, "ghostline/stats")
    typed = "result += v  # " + "x" * 40
    pending = []
    for i, ch in enumerate(typed[:50]):  # keystrokes and requests interleaved, as an editor sends them
        change(client, uri, i + 2, (pos.line, pos.character + i), (pos.line, pos.character + i), ch)
        pending.append(
            asyncio.ensure_future(inline(client, uri, types.Position(pos.line, pos.character + i + 1)))
        )
    answers = await asyncio.wait_for(asyncio.gather(*pending), 120)
    after = await request(client, "ghostline/stats")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=OPTIONS))
    assert len(answers) == 50
    assert after["model_calls"] - before["model_calls"] <= 1
    dropped = after["superseded"] + after["skipped"] - before["superseded"] - before["skipped"]
    assert dropped >= 49  # superseded, or already behind the text typed since


async def test_cancelled_request_stops_its_generation(client: LanguageClient) -> None:
    text, pos = split('class Inventory:\n    """Items in stock, with prices."""\n\n    █\n')
    uri = "file:///project/cancel.py"
    open_doc(client, uri, text, "python")
    before = await request(client, "ghostline/stats")
    params = inline_params(uri, pos.line, pos.character, invoked=True)
    future = client.protocol.send_request(types.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id="cancel-me")
    await asyncio.sleep(0.6)
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="cancel-me"))
    with pytest.raises(Exception):  # noqa: B017 - the reply is a RequestCancelled error
        await asyncio.wait_for(asyncio.wrap_future(future), 10)
    after = await request(client, "ghostline/stats")
    assert after["cancelled"] == before["cancelled"] + 1
    started = asyncio.get_running_loop().time()
    assert await inline(client, "file:///project/typed.py", types.Position(0, 0)) is not None
    assert asyncio.get_running_loop().time() - started < 30


async def test_accepting_shows_the_prefetched_next_suggestion(client: LanguageClient) -> None:
    # Three tokens a suggestion: the first ends mid-line ("width * height"), so something follows it (the
    # model writes whole blocks otherwise, and after a finished block nothing is left to prefetch).
    completion = {**OPTIONS["completion"], "prefetch": True, "maxTokens": 3}
    prefetching = {**OPTIONS, "completion": completion}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=prefetching))
    text, pos = split("def volume(width, height, depth):\n    result = █\n")
    uri = "file:///project/prefetch.py"
    open_doc(client, uri, text, "python")
    [first] = await inline(client, uri, pos)
    shown = str(first.insert_text)
    for _ in range(300):  # the prefetch runs while the client is idle
        if (await request(client, "ghostline/stats"))["prefetches"]:
            break
        await asyncio.sleep(0.1)
    before = await request(client, "ghostline/stats")
    assert before["prefetches"] >= 1
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="ghostline.accepted", arguments=list(first.command.arguments or [])
        )
    )
    change(client, uri, 2, (pos.line, pos.character), (pos.line, pos.character), shown)
    end_line = pos.line + shown.count("\n")
    end_col = len(shown.rsplit("\n", 1)[-1]) + (pos.character if "\n" not in shown else 0)
    items = await inline(client, uri, types.Position(end_line, end_col))
    after = await request(client, "ghostline/stats")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=OPTIONS))
    assert after["model_calls"] == before["model_calls"]  # answered without the model
    assert after["cache_hits"] == before["cache_hits"] + 1
    assert after["accepted"] == before["accepted"] + 1
    assert items and str(items[0].insert_text).strip()
    printed = subprocess.run(
        [sys.executable, "-m", "ghostline", "stats"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GHOSTLINE_STATE_DIR": STATE_DIR},
    ).stdout
    assert "accepted 1" in printed
