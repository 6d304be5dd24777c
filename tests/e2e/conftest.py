"""pytest-lsp fixtures: the real ``ghostline serve`` over stdio, once per client profile."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "ghostline", "serve", "--no-model"])
PROFILES = ["visual_studio_code", "neovim"]


def record_diagnostics(client: LanguageClient) -> None:
    """Keep every published diagnostics notification with its version (pytest-lsp drops versions)."""
    published: dict[str, types.PublishDiagnosticsParams] = {}
    client.published = published  # type: ignore[attr-defined]

    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        published[params.uri] = params
        client.diagnostics[params.uri] = params.diagnostics

    client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish


async def start(
    client: LanguageClient, profile: str, options: dict[str, Any] | None = None
) -> types.InitializeResult:
    record_diagnostics(client)
    params = types.InitializeParams(
        capabilities=client_capabilities(profile),
        initialization_options={"diagnostics": {"debounceMs": 20}, **(options or {})},
    )
    return await client.initialize_session(params)


@pytest_lsp.fixture(params=PROFILES, config=SERVER, scope="module")
async def client(request: pytest.FixtureRequest, lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    lsp_client.profile = request.param  # type: ignore[attr-defined]
    lsp_client.init_result = await start(lsp_client, request.param)  # type: ignore[attr-defined]
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def raw_client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    """A client the test initialises itself (to choose options)."""
    yield lsp_client
    await lsp_client.shutdown_session()


async def diagnostics_for(client: LanguageClient, uri: str, version: int) -> list[types.Diagnostic]:
    """Wait (up to 15 s) for diagnostics of ``uri`` published for ``version`` or later."""
    published: dict[str, types.PublishDiagnosticsParams] = client.published  # type: ignore[attr-defined]
    for _ in range(1500):
        got = published.get(uri)
        if got is not None and (got.version is None or got.version >= version):
            return list(got.diagnostics)
        await asyncio.sleep(0.01)
    raise TimeoutError(f"no diagnostics for {uri} at version {version}")


def open_doc(client: LanguageClient, uri: str, text: str, language_id: str) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language_id, 1, text))
    )


def change(
    client: LanguageClient,
    uri: str,
    version: int,
    start: tuple[int, int],
    end: tuple[int, int],
    text: str,
) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(*start), types.Position(*end)), text=text
                )
            ],
        )
    )


def encoding_of(client: LanguageClient) -> str:
    result: types.InitializeResult = client.init_result  # type: ignore[attr-defined]
    return str(result.capabilities.position_encoding or "utf-16")


async def send_raw(client: LanguageClient, message: dict[str, Any], timeout: float = 10) -> Any:
    """Write a JSON-RPC message exactly as given (no typed serialisation); await the reply of a request."""
    future: asyncio.Future[Any] | None = None
    if "id" in message:
        future = asyncio.get_running_loop().create_future()
        client.protocol._request_futures[message["id"]] = future
    body = json.dumps({"jsonrpc": "2.0", **message})
    assert client.protocol.writer is not None
    client.protocol.writer.write(f"Content-Length: {len(body.encode())}\r\n\r\n{body}".encode())
    return await asyncio.wait_for(future, timeout) if future is not None else None
