"""initialize / initialized / shutdown, configuration changes and the model's info request."""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from ghostline.lsp import adapters, diagnostics, workspace
from ghostline.lsp.server import GhostlineServer

log = logging.getLogger("ghostline")
MODEL_INFO = "ghostline/modelInfo"


def register(server: GhostlineServer) -> None:
    """Register the lifecycle handlers."""

    @server.feature(types.INITIALIZE)
    def initialize(ls: GhostlineServer, params: types.InitializeParams) -> None:
        ls.apply_settings(params.initialization_options)
        if ls.loop_lag is not None:
            ls.loop_lag.start()
        log.info("position encoding: %s", ls.encoding)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: GhostlineServer, params: types.InitializedParams) -> None:
        model = adapters.model_settings(ls)
        ls.model.start(model, ls.settings.remote, own_adapter=model.adapter != ls.settings.model.adapter)
        roots = workspace.roots(ls)
        ls.completions.builder.root = str(roots[0]) if roots else ""
        workspace.start(ls)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: GhostlineServer, params: Any) -> None:
        ls.completions.scheduler.stop_all()
        for record in ls.documents.values():
            record.close()
        if any(ls.acceptance.session.values()):
            ls.acceptance.save()
        ls.model.unload()

    @server.feature(MODEL_INFO)
    def model_info(ls: GhostlineServer, params: Any) -> dict[str, Any]:
        return ls.model.info()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: GhostlineServer, params: types.DidChangeConfigurationParams) -> None:
        previous = _model_key(ls)
        ls.apply_settings(params.settings)
        if _model_key(ls) != previous:
            model = adapters.model_settings(ls)
            ls.model.start(model, ls.settings.remote, own_adapter=model.adapter != ls.settings.model.adapter)
        for uri in list(ls.documents):
            diagnostics.schedule(ls, uri, delay_ms=0)
        workspace.configure(ls)


def _model_key(ls: GhostlineServer) -> tuple[object, ...]:
    """The settings whose change means loading the model again (``remote.*`` only for a remote model)."""
    model = ls.settings.model
    return (model, ls.settings.remote if model.backend == "remote" else None)
