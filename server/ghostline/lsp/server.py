"""The Ghostline language server: its state and how it starts."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import sys
import threading
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ghostline import __version__, config
from ghostline.engine.acceptance import Acceptance
from ghostline.engine.document import Document
from ghostline.engine.service import CompletionService
from ghostline.lsp.protocol import GhostlineProtocol
from ghostline.model.backend import Backend

log = logging.getLogger("ghostline")


class GhostlineServer(LanguageServer):
    """Holds the open documents, the settings and the pending diagnostics timers."""

    def __init__(self) -> None:
        super().__init__(
            "ghostline",
            __version__,
            protocol_cls=GhostlineProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.documents: dict[str, Document] = {}
        self.settings = config.Settings()
        self.diagnostic_timers: dict[str, asyncio.TimerHandle] = {}
        self.complexity: dict[str, list[types.Diagnostic]] = {}
        """Last complexity hints per document, refreshed on a slower timer than syntax diagnostics."""
        self.overrides: dict[str, Any] = {}
        self.no_model = False
        self.backend: Backend | None = None
        self.model_state = "off"
        self.model_message = ""
        self.model_problem = ""
        """The last model failure told to the user (so it is told once, not on every keystroke)."""
        self.loading: asyncio.Future[None] | None = None
        self.completions = CompletionService()
        self.acceptance = Acceptance()
        self.reviews: dict[str, tuple[asyncio.Future[None], threading.Event]] = {}
        """The running AI review per document, and its stop flag."""
        self.reviewed: dict[str, set[str]] = {}
        """Fingerprints of the functions already reviewed per document."""
        self.ai_findings: dict[str, list[types.Diagnostic]] = {}
        self.reviewed_functions = 0
        """Functions the AI review has read since the server started."""
        self.actions_cancelled = 0
        """Code actions whose generation stopped because the client cancelled them."""

    @property
    def encoding(self) -> str:
        """The position encoding negotiated with the client (utf-16 unless it offered another)."""
        try:
            chosen = self.workspace.position_encoding
        except RuntimeError:
            return "utf-16"
        return str(getattr(chosen, "value", chosen) or "utf-16")

    def apply_settings(self, raw: object) -> None:
        """Take new settings from the client; invalid ones are shown and fall back to defaults."""
        settings, problems = config.load(raw, config.Settings())
        if self.overrides:
            settings = dataclasses.replace(
                settings, model=dataclasses.replace(settings.model, **self.overrides)
            )
        self.settings = settings
        logging.getLogger("ghostline").setLevel(self.settings.log_level.upper())
        if problems:
            text = "Ghostline: invalid settings ignored: " + "; ".join(problems)
            log.warning(text)
            self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, text))


class ClientLogHandler(logging.Handler):
    """Forwards Ghostline's warnings and errors to the client as window/logMessage."""

    def __init__(self, server: GhostlineServer) -> None:
        super().__init__(logging.WARNING)
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        """Send one record (never raises)."""
        if self.server.protocol.writer is None:
            return
        kind = types.MessageType.Error if record.levelno >= logging.ERROR else types.MessageType.Warning
        try:
            self.server.window_log_message(types.LogMessageParams(kind, self.format(record)))
        except Exception:  # noqa: BLE001 - logging must never take the server down
            self.handleError(record)


def create_server() -> GhostlineServer:
    """A server with every feature registered."""
    from ghostline.lsp import code_actions, completion, hover, lifecycle, model_host, review, symbols, sync

    server = GhostlineServer()
    for module in (lifecycle, sync, symbols, model_host, completion, hover, code_actions, review):
        module.register(server)
    return server


def serve(
    tcp: tuple[str, int] | None = None,
    model: str | None = None,
    adapter: str | None = None,
    no_model: bool = False,
) -> None:
    """Run the server over stdio, or TCP when ``tcp`` is given; logs go to stderr."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("pygls").setLevel(logging.WARNING)
    server = create_server()
    server.no_model = no_model
    server.overrides = {k: v for k, v in (("name", model), ("adapter", adapter)) if v is not None}
    logging.getLogger("ghostline").addHandler(ClientLogHandler(server))
    if tcp:
        server.start_tcp(*tcp)
    else:
        server.start_io(sys.stdin.buffer, _private_stdout())


def _private_stdout() -> BinaryIO:
    """Keep fd 1 for JSON-RPC alone: a private copy carries it, and fd 1 itself now points at stderr.

    Native code (llama.cpp, a grammar printer) that writes to stdout would otherwise corrupt the stream.
    """
    rpc = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return rpc
