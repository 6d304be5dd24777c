"""Over stdio with the real model: completions whose right call is known only from unopened files.

The workspace has ``geometry.py`` (never opened) and ``rooms.py`` (open) which imports the module and
calls into it. The function's name appears nowhere in ``rooms.py``: the model can only write it because the
workspace index put ``geometry``'s definitions in the prompt. Likewise a feature module whose converter call
is written, with another name, only in a sibling module: the sibling's like code comes into the prompt.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp_session import inline, open_doc, request, wait_ready

pytestmark = [pytest.mark.model]
SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "ghostline", "serve"],
    server_env={**os.environ, "GHOSTLINE_STATE_DIR": tempfile.mkdtemp(prefix="ghostline-state-")},
)
GEOMETRY = '''"""Plane geometry helpers."""


def rectangle_area_between_corners(corner_a, corner_b):
    """The area of the axis-aligned rectangle whose opposite corners are two (x, y) points."""
    (x1, y1), (x2, y2) = corner_a, corner_b
    return abs(x2 - x1) * abs(y2 - y1)
'''
ROOMS = '''import geometry


def floor_area(room):
    """The floor area of a room: a dict with its two opposite corners under "a" and "b"."""
    return geometry.'''
HOVER = '''from protocol import converters


def provide_hover(client, document, position, token):
    """Ask the server what lies under the cursor."""
    params = converters.to_position_params(document, position)
    result = client.send_request("textDocument/hover", params, token)
    if token.cancelled:
        return None
    client.log_request("textDocument/hover", params)
    return converters.decode_hover_payload(result, token)
'''
DEFINITION = '''from protocol import converters


def provide_definition(client, document, position, token):
    """Ask the server where the name under the cursor is defined."""
    params = converters.to_position_params(document, position)
    result = client.send_request("textDocument/definition", params, token)
    if token.cancelled:
        return None
    client.log_request("textDocument/definition", params)
    return converters.'''
OPTIONS = {
    "model": {"nCtx": 2048},
    "completion": {"maxLatencyMs": 60_000, "debounceMs": 0, "prefetch": False, "warmup": False},
}


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    yield lsp_client
    await lsp_client.shutdown_session()


async def start_in(client: LanguageClient, root: Path) -> None:
    client.protocol.fm.features[types.CLIENT_REGISTER_CAPABILITY] = lambda params: None  # the file watcher
    params = types.InitializeParams(
        capabilities=client_capabilities("visual_studio_code"),
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(root.as_uri(), root.name)],
        initialization_options=OPTIONS,
    )
    await client.initialize_session(params)


async def indexed(client: LanguageClient, name: str) -> None:
    for _ in range(300):
        found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=name))
        if any(s.name == name for s in found or []):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{name} never indexed")


async def test_the_call_comes_from_the_definition_in_an_unopened_file(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "geometry.py").write_text(GEOMETRY)
    (tmp_path / "rooms.py").write_text(ROOMS)
    await start_in(client, tmp_path)
    await wait_ready(client)
    await indexed(client, "rectangle_area_between_corners")
    uri = (tmp_path / "rooms.py").as_uri()
    open_doc(client, uri, ROOMS, "python")
    last = ROOMS.splitlines()[-1]
    [item] = await inline(client, uri, types.Position(ROOMS.count("\n"), len(last)), invoked=True)
    assert str(item.insert_text).startswith("rectangle_area_between_corners(")
    stats = await request(client, "ghostline/stats")
    assert "<|file_sep|>geometry.py\n" in stats["last_prompt"]


async def test_a_sibling_module_shows_how_the_call_is_written(client: LanguageClient, tmp_path: Path) -> None:
    features = tmp_path / "features"
    features.mkdir()
    (features / "hover.py").write_text(HOVER)
    (features / "definition.py").write_text(DEFINITION)
    await start_in(client, tmp_path)
    await wait_ready(client)
    await indexed(client, "provide_hover")
    uri = (features / "definition.py").as_uri()
    open_doc(client, uri, DEFINITION, "python")
    last = DEFINITION.splitlines()[-1]
    [item] = await inline(client, uri, types.Position(DEFINITION.count("\n"), len(last)), invoked=True)
    assert str(item.insert_text).startswith("decode_definition_payload(")  # the sibling's naming, not a guess
    stats = await request(client, "ghostline/stats")
    assert "<|file_sep|>features/hover.py\n" in stats["last_prompt"]
