"""A small real LSP client that drives ``ghostline serve`` over stdio (demo and benchmarks)."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from lsprotocol import types
from pygls.lsp._base_client import BaseLanguageClient
from pygls.lsp.client import LanguageClient


def inline_params(uri: str, line: int, character: int, invoked: bool = False) -> types.InlineCompletionParams:
    """An inline-completion request at a position (0-based, in the negotiated encoding).

    ``invoked`` says the user asked for it explicitly (else the editor asked while the user typed).
    """
    kind = (
        types.InlineCompletionTriggerKind.Invoked if invoked else types.InlineCompletionTriggerKind.Automatic
    )
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri),
        position=types.Position(line, character),
        context=types.InlineCompletionContext(trigger_kind=kind),
    )


async def inline_items(
    client: BaseLanguageClient, uri: str, line: int, character: int, invoked: bool = False
) -> list[types.InlineCompletionItem]:
    """The items the server answers an inline-completion request with."""
    result = await client.text_document_inline_completion_async(inline_params(uri, line, character, invoked))
    return list(result.items) if isinstance(result, types.InlineCompletionList) else list(result or [])


async def inline_completion(
    client: BaseLanguageClient, uri: str, line: int, character: int, invoked: bool = False
) -> str:
    """Ghost text at a position: the first item's text ('' when there is none)."""
    items = await inline_items(client, uri, line, character, invoked)
    return str(items[0].insert_text) if items else ""


class HarnessClient:
    """Starts the server as a subprocess and records what it publishes."""

    def __init__(
        self, init_options: dict[str, object] | None = None, server_args: tuple[str, ...] = ()
    ) -> None:
        self.client = LanguageClient("ghostline-harness", "1")
        self.server_args = server_args
        self.capabilities = types.ClientCapabilities(
            text_document=types.TextDocumentClientCapabilities(
                code_action=types.CodeActionClientCapabilities(
                    data_support=True,
                    resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]),
                )
            )
        )
        self.init_options = init_options or {}
        self.diagnostics: dict[str, types.PublishDiagnosticsParams] = {}
        self.messages: list[str] = []
        self._published: asyncio.Event = asyncio.Event()
        self.last_publish_at = 0.0
        self.status: object = None
        self.ready = asyncio.Event()
        """Set when the server says a suggestion whose request ran out of budget is ready."""

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
        def _on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = params
            self.last_publish_at = time.perf_counter()
            self._published.set()

        @self.client.feature("ghostline/status")  # type: ignore[untyped-decorator]
        def _on_status(params: Any) -> None:
            self.status = params

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)  # type: ignore[untyped-decorator]
        def _on_message(params: types.ShowMessageParams) -> None:
            self.messages.append(params.message)

        @self.client.feature("ghostline/suggestionReady")  # type: ignore[untyped-decorator]
        def _on_ready(params: Any) -> None:
            self.ready.set()

    async def __aenter__(self) -> HarnessClient:
        await self.client.start_io(sys.executable, "-m", "ghostline", "serve", *self.server_args)
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=self.capabilities,
                initialization_options=self.init_options,
                root_uri=Path.cwd().as_uri(),
            )
        )
        self.client.initialized(types.InitializedParams())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 10)
            self.client.exit(None)
        finally:
            await self.client.stop()  # type: ignore[no-untyped-call]

    async def inline_completion(self, uri: str, line: int, character: int, invoked: bool = False) -> str:
        """Ghost text at a position ('' when there is none)."""
        return await inline_completion(self.client, uri, line, character, invoked)

    async def request(self, method: str, params: object = None) -> Any:
        """A Ghostline request (``ghostline/stats``, ``ghostline/modelInfo``) and its result."""
        return await self.client.protocol.send_request_async(method, params)

    async def wait_model(self) -> Any:
        """Wait until the model is loaded, failed or off; its ``ghostline/modelInfo``."""
        while True:
            state = await self.request("ghostline/modelInfo")
            if state.state in ("ready", "error", "off"):
                return state
            await asyncio.sleep(0.2)

    def open(self, path: Path, text: str | None = None, language_id: str = "") -> str:
        """Open a file (its text from disk unless given); returns its URI."""
        uri = path.resolve().as_uri()
        body = path.read_text(encoding="utf-8") if text is None else text
        self._published.clear()
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language_id, 1, body))
        )
        return uri

    def change(self, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        """Send one incremental change."""
        self._published.clear()
        rng = types.Range(types.Position(*start), types.Position(*end))
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangePartial(range=rng, text=text)],
            )
        )

    async def wait_diagnostics(
        self, uri: str, version: int, timeout: float = 10.0
    ) -> types.PublishDiagnosticsParams:
        """Wait until diagnostics for ``uri`` at ``version`` (or later) arrive."""
        deadline = time.perf_counter() + timeout
        while True:
            got = self.diagnostics.get(uri)
            if got is not None and (got.version or 0) >= version:
                return got
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no diagnostics for {uri} version {version}")
            self._published.clear()
            try:
                await asyncio.wait_for(self._published.wait(), remaining)
            except asyncio.TimeoutError:
                continue
