"""The workspace's own adapter (``.ghostline/adapter.gguf``) and how stale it is, told once."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from lsprotocol import types

from ghostline.config import ModelSettings
from ghostline.lsp import workspace
from ghostline.lsp.server import GhostlineServer
from ghostline.model.adapter_record import DRIFT_WARN, drift, read_record, workspace_adapter

log = logging.getLogger("ghostline")


def register(server: GhostlineServer) -> None:
    """Check the adapter's drift once both the model and the workspace index are ready (either order)."""
    server.model.on_ready = lambda: check_drift(server)
    workspace.host(server).on_complete = lambda: check_drift(server)


def model_settings(ls: GhostlineServer) -> ModelSettings:
    """The model settings to load: ``model.adapter`` when set, else the workspace's own adapter if any."""
    settings = ls.settings.model
    if settings.adapter or settings.backend == "remote":
        return settings
    roots = workspace.roots(ls)
    found = workspace_adapter(roots[0]) if roots else None
    if found is None:
        return settings
    log.info("adapter: %s (the workspace's own; model.adapter is not set)", found)
    return dataclasses.replace(settings, adapter=str(found))


def check_drift(ls: GhostlineServer) -> None:
    """Once the model and the index are both ready: how many definitions are new since the adapter learned.

    Above ``DRIFT_WARN`` the user is told once per adapter (the status tooltip keeps saying it).
    """
    backend = ls.model.backend
    path = backend.facts.adapter if backend is not None else ""
    if not path or not workspace.host(ls).complete or path in ls.model.drift:
        return
    record = read_record(path)
    share = drift(record, ls.index.names()) if record is not None else None
    if share is None:
        return
    ls.model.drift[path] = share
    name = Path(path).name
    log.info(
        "adapter %s: %.0f %% of the workspace's definitions are new since it was trained", name, share * 100
    )
    if share > DRIFT_WARN:
        when = record.get("trained", "?") if record else "?"
        text = (
            f"Ghostline: adapter {name} is stale: {share:.0%} of this workspace's definitions are new since "
            f"it was trained ({when}); run `ghostline dataset build` and `ghostline finetune` again"
        )
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, text))
        ls.model.refresh_ready()
