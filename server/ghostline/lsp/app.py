"""Assembling and running the server: the state class plus the handler modules, over stdio or TCP."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import BinaryIO

from lsprotocol import types

from ghostline.lsp import code_actions, completion, hover, lifecycle, review, symbols, sync
from ghostline.lsp.server import GhostlineServer

HANDLERS: tuple[ModuleType, ...] = (lifecycle, sync, symbols, completion, hover, code_actions, review)
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
    server.model.disabled = no_model
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
