"""Helpers for tests that talk to the real server over stdio through pytest-lsp's client."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from ghostline.harness.client import inline_items


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


async def request(client: LanguageClient, method: str, params: Any = None) -> Any:
    result = await client.protocol.send_request_async(method, params)
    return result._asdict() if hasattr(result, "_asdict") else result


async def wait_ready(client: LanguageClient) -> None:
    for _ in range(600):
        if (await request(client, "ghostline/modelInfo"))["state"] in ("ready", "error"):
            break
        await asyncio.sleep(0.1)
    assert (await request(client, "ghostline/modelInfo"))["state"] == "ready"


async def inline(
    client: LanguageClient, uri: str, pos: types.Position, invoked: bool = False
) -> list[types.InlineCompletionItem]:
    """The inline completion items at ``pos``."""
    return await inline_items(client, uri, pos.line, pos.character, invoked)


async def wait_messages(client: LanguageClient) -> list[types.ShowMessageParams]:
    for _ in range(600):
        if client.messages:
            return list(client.messages)
        await asyncio.sleep(0.05)
    return []


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
