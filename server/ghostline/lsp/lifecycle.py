"""initialize / initialized / configuration handlers."""

from __future__ import annotations

import logging

from lsprotocol import types

from ghostline.lsp import diagnostics, model_host
from ghostline.lsp.server import GhostlineServer

log = logging.getLogger("ghostline")


def register(server: GhostlineServer) -> None:
    """Register the lifecycle handlers."""

    @server.feature(types.INITIALIZE)
    def initialize(ls: GhostlineServer, params: types.InitializeParams) -> None:
        ls.apply_settings(params.initialization_options)
        log.info("position encoding: %s", ls.encoding)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: GhostlineServer, params: types.DidChangeConfigurationParams) -> None:
        previous = _model_key(ls)
        ls.apply_settings(params.settings)
        if _model_key(ls) != previous:
            model_host.start_loading(ls)
        for uri in list(ls.documents):
            diagnostics.schedule(ls, uri, delay_ms=0)


def _model_key(ls: GhostlineServer) -> tuple[object, ...]:
    """The settings whose change means loading the model again (``remote.*`` only for a remote model)."""
    model = ls.settings.model
    return (model, ls.settings.remote if model.backend == "remote" else None)
