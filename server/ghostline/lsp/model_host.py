"""Loading the model in the background with $/progress, and telling the client its state."""

from __future__ import annotations

import asyncio
import itertools
import logging
import uuid
from dataclasses import asdict
from typing import Any

from lsprotocol import types

from ghostline.config import ModelSettings, RemoteSettings
from ghostline.lsp.server import GhostlineServer
from ghostline.model import adapter, loader
from ghostline.model.backend import Backend
from ghostline.model.errors import ModelError

log = logging.getLogger("ghostline")
STATUS = "ghostline/status"
MODEL_INFO = "ghostline/modelInfo"
TRANSIENT = frozenset({"remote/unreachable", "remote/dropped", "remote/timeout"})
"""Error codes of a server that is away for now: retried, not reported as a settings problem."""
RECONNECT_FIRST_S, RECONNECT_MAX_S = 1.0, 15.0


def register(server: GhostlineServer) -> None:
    """Register the model info request and load on ``initialized``."""

    @server.feature(types.INITIALIZED)
    async def initialized(ls: GhostlineServer, params: types.InitializedParams) -> None:
        start_loading(ls)

    @server.feature(MODEL_INFO)
    def model_info(ls: GhostlineServer, params: Any) -> dict[str, Any]:
        info: dict[str, Any] = {"state": ls.model_state, "message": ls.model_message}
        if ls.backend is not None:
            facts = ls.backend.facts
            info.update(asdict(facts), fim_mode=facts.fim_mode)
            if facts.adapter:
                info["adapter_info"] = adapter.describe(facts.adapter)
        return info

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: GhostlineServer, params: Any) -> None:
        ls.completions.scheduler.stop_all()
        if ls.acceptance.session["shown"]:
            ls.acceptance.save()
        unload(ls)


def start_loading(ls: GhostlineServer) -> None:
    """Load (and if needed pull) the configured model without blocking the event loop."""
    if ls.no_model:
        set_state(ls, "off", "model disabled (--no-model)")
        return
    if ls.loading is not None and not ls.loading.done():
        ls.loading.cancel()
    ls.loading = asyncio.ensure_future(_load(ls, ls.settings.model, ls.settings.remote))


def unload(ls: GhostlineServer) -> None:
    """Free the loaded model, if any."""
    if ls.backend is not None:
        ls.backend.close()
        ls.backend = None


def set_state(ls: GhostlineServer, state: str, message: str = "") -> None:
    """Record the model state and push a ``ghostline/status`` notification."""
    ls.model_state, ls.model_message = state, message
    ls.protocol.notify(STATUS, {"state": state, "message": message, "model": ls.settings.model.name})


def report(ls: GhostlineServer, error: ModelError | None) -> None:
    """Tell the user about a failed model request once, not once per keystroke; a success clears it.

    A server that went away is logged and shown as the ``offline`` state; anything else (a refused key,
    an unknown model) is shown as a message that names the setting to fix.
    """
    if error is None:
        if ls.model_problem:
            ls.model_problem = ""
            log.info("model: answering again")
        if ls.model_state == "offline" and ls.backend is not None:
            set_state(ls, "ready", f"{ls.backend.facts.name}: {ls.backend.facts.fim_mode}")
        return
    if error.code == "model/closed" or error.message == ls.model_problem:
        return
    ls.model_problem = error.message
    if error.code in TRANSIENT:
        log.warning("model: %s", error.message)
        if ls.model_state == "ready":
            set_state(ls, "offline", error.message)
        return
    log.error("model: %s", error.message)
    ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"Ghostline: {error.message}"))


async def _load(ls: GhostlineServer, settings: ModelSettings, remote: RemoteSettings) -> None:
    loop = asyncio.get_running_loop()
    token = await progress_token(ls)
    set_state(ls, "loading", f"loading {settings.name}")
    progress(
        ls,
        token,
        types.WorkDoneProgressBegin(title="Ghostline", message=f"model {settings.name}", percentage=0),
    )

    def on_progress(done: int, total: int, message: str) -> None:
        pct = int(done * 100 / total) if total else None
        value = types.WorkDoneProgressReport(message=message, percentage=pct)
        loop.call_soon_threadsafe(progress, ls, token, value)

    unload(ls)
    try:
        ls.backend = await asyncio.to_thread(loader.load, settings, on_progress, remote)
    except ModelError as exc:
        progress(ls, token, types.WorkDoneProgressEnd(message="failed"))
        retry = exc.code in TRANSIENT
        text = f"{exc.message}; retrying in the background (syntax features keep working)"
        text = text if retry else exc.message
        set_state(ls, "error", text)
        log.error("model: %s", text)
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"Ghostline: {text}"))
        if retry:
            ls.backend = await _reconnect(ls, settings, remote, exc.message)
        if ls.backend is None:
            return
    else:
        progress(ls, token, types.WorkDoneProgressEnd(message="ready"))
    ls.model_problem = ""
    facts = ls.backend.facts
    set_state(ls, "ready", f"{facts.name}: {facts.fim_mode}")
    log.info("model ready: %s (%s, %s)", facts.name, facts.architecture, facts.fim_mode)


async def _reconnect(
    ls: GhostlineServer, settings: ModelSettings, remote: RemoteSettings, message: str
) -> Backend | None:
    """Retry an unreachable server in the background, backing off, until it answers (or settings change).

    Syntax features keep working meanwhile; the one message was shown by the caller.
    """
    for attempt in itertools.count():
        delay = min(RECONNECT_MAX_S, RECONNECT_FIRST_S * 2**attempt)
        set_state(ls, "offline", f"{message} (retrying in {delay:g} s)")
        await asyncio.sleep(delay)
        try:
            return await asyncio.to_thread(loader.load, settings, None, remote)
        except ModelError as exc:
            if exc.code not in TRANSIENT:
                set_state(ls, "error", exc.message)
                log.error("model: %s", exc.message)
                ls.window_show_message(
                    types.ShowMessageParams(types.MessageType.Error, f"Ghostline: {exc.message}")
                )
                return None
            log.info("model: still unreachable (%s)", exc.message)
            message = exc.message
    return None  # pragma: no cover - the loop only ends by returning


async def progress_token(ls: GhostlineServer, prefix: str = "ghostline-model") -> str | None:
    """A server-created progress token, when the client supports work-done progress."""
    window = ls.client_capabilities.window if ls.client_capabilities else None
    if not (window and window.work_done_progress):
        return None
    token = f"{prefix}-{uuid.uuid4().hex[:8]}"
    try:
        await asyncio.wait_for(ls.protocol.progress.create_async(token), 10)
    except Exception as exc:  # noqa: BLE001 - a client that refuses just gets no progress
        log.warning("client refused a progress token: %s", exc)
        return None
    return token


def progress(ls: GhostlineServer, token: str | None, value: Any) -> None:
    """Send one $/progress value (nothing when there is no token)."""
    if token is None:
        return
    if isinstance(value, types.WorkDoneProgressBegin):
        ls.protocol.progress.begin(token, value)
    elif isinstance(value, types.WorkDoneProgressEnd):
        ls.protocol.progress.end(token, value)
    else:
        ls.protocol.progress.report(token, value)
