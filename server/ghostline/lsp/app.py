"""Assembling and running the server: the state class plus the handler modules, over stdio or TCP."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import BinaryIO

from lsprotocol import types

from ghostline.lsp import (
    adapters,
    code_actions,
    completion,
    hover,
    lifecycle,
    nextedit,
    symbols,
    sync,
    workspace,
)
from ghostline.lsp.framing import MAX_FRAME
from ghostline.lsp.monitor import LoopLag
from ghostline.lsp.server import GhostlineServer
from ghostline.lsp.stream import Session, serve_stdio, serve_tcp

HANDLERS: tuple[ModuleType, ...] = (
    lifecycle,
    sync,
    symbols,
    completion,
    hover,
    code_actions,
    workspace,
    nextedit,
    adapters,
)
"""Every feature module; each has ``register(server)``."""


def create_server(
    server_cls: type[GhostlineServer] = GhostlineServer, modules: Sequence[ModuleType] = HANDLERS
) -> GhostlineServer:
    """A server with the features of ``modules`` registered."""
    server = server_cls()
    for module in modules:
        module.register(server)
    return server


class ClientLogHandler(logging.Handler):
    """Forwards Ghostline's log to the client as window/logMessage (errors, warnings, the rest as Log).

    Clients label whatever a server writes to stderr as errors (Neovim's lsp.log does), so stderr only gets
    warnings and worse; the rest of the log reaches the client's log this way.
    """

    def __init__(self, server: GhostlineServer) -> None:
        super().__init__(logging.DEBUG)  # the "ghostline" logger's level (setting ``logLevel``) decides
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        """Send one record (never raises)."""
        if self.server.protocol.writer is None:
            return
        kind = (
            types.MessageType.Error
            if record.levelno >= logging.ERROR
            else types.MessageType.Warning
            if record.levelno >= logging.WARNING
            else types.MessageType.Log
        )
        try:
            self.server.window_log_message(types.LogMessageParams(kind, self.format(record)))
        except Exception:  # noqa: BLE001 - logging must never take the server down
            self.handleError(record)


def serve(
    tcp: tuple[str, int] | None = None,
    model: str | None = None,
    adapter: str | None = None,
    no_model: bool = False,
    once: bool = False,
    max_frame: int = MAX_FRAME,
    loop_lag: bool = False,
) -> int:
    """Run the server over stdio, or TCP when ``tcp`` is given; logs go to stderr. Returns the exit code."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.WARNING)  # stderr: warnings and errors only; the rest goes to the client
    logging.getLogger("pygls").setLevel(logging.WARNING)
    overrides = {k: v for k, v in (("name", model), ("adapter", adapter)) if v is not None}

    def new_session() -> Session:
        server = create_server()
        server.model.disabled = no_model
        server.overrides = dict(overrides)
        server.loop_lag = LoopLag() if loop_lag else None
        handler = ClientLogHandler(server)
        logging.getLogger("ghostline").addHandler(handler)
        server._stop_event = stop = threading.Event()

        def end() -> None:
            logging.getLogger("ghostline").removeHandler(handler)
            server.close()

        return Session(server.protocol, stop, end)

    if tcp:
        return serve_tcp(new_session, *tcp, once=once, max_frame=max_frame)
    return serve_stdio(new_session(), sys.stdin.buffer, _private_stdout(), max_frame)


def _private_stdout() -> BinaryIO:
    """Keep fd 1 for JSON-RPC alone: a private copy carries it, and fd 1 itself now points at stderr.

    Native code (llama.cpp, a grammar printer) that writes to stdout would otherwise corrupt the stream.
    """
    rpc = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return rpc
