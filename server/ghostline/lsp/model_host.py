"""The model's lifecycle in the server: loading in the background with $/progress, its state, reconnecting."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
import os
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ghostline.config import ModelSettings, RemoteSettings
from ghostline.lsp.progress import progress, progress_token
from ghostline.model import adapter, choice, loader
from ghostline.model.adapter_record import DRIFT_WARN
from ghostline.model.backend import Backend
from ghostline.model.choice import Choice
from ghostline.model.errors import ModelError

log = logging.getLogger("ghostline")
STATUS = "ghostline/status"
TRANSIENT = frozenset({"remote/unreachable", "remote/dropped", "remote/timeout"})
"""Error codes of a server that is away for now: retried, not reported as a settings problem."""
RECONNECT_FIRST_S, RECONNECT_MAX_S = 1.0, 15.0


class ModelHost:
    """The loaded model (if any), its state as the client sees it, and the last failure told to the user."""

    def __init__(self, server: LanguageServer) -> None:
        self.server = server
        self.disabled = False
        """``--no-model``: syntax features only."""
        self.backend: Backend | None = None
        self.state = "off"
        self.message = ""
        self.name = ""
        """The model (preset, path or reference; ``auto`` made concrete once chosen), shown in the status."""
        self.choice: Choice | None = None
        """Which model was chosen and why (``choice_reason`` in modelInfo); None for a remote model."""
        self.problem = ""
        """The last model failure told to the user (so it is told once, not on every keystroke)."""
        self.loading: asyncio.Future[None] | None = None
        self.speeds: deque[float] = deque(maxlen=8)
        """How long the last suggestions took (ms; a cut one counts as at least the budget)."""
        self.drift: dict[str, float] = {}
        """Per adapter loaded: the share of the workspace's definitions new since it was trained."""
        self.on_ready: Callable[[], None] | None = None
        """Called each time a model is ready."""

    def start(self, settings: ModelSettings, remote: RemoteSettings, own_adapter: bool = False) -> None:
        """Load (and if needed pull) the configured model without blocking the event loop.

        ``own_adapter``: the adapter is the workspace's own, not a setting; one that does not fit the model
        is reported and left out rather than failing the model.
        """
        self.name = settings.name
        if self.disabled:
            self.set_state("off", "model disabled (--no-model)")
            return
        if self.loading is not None and not self.loading.done():
            self.loading.cancel()
        self.state = "loading"  # told to the client once the model is chosen (``_load``)
        self.loading = asyncio.ensure_future(self._load(settings, remote, own_adapter))

    @property
    def coming(self) -> bool:
        """Whether a model is loaded or on its way (loading, or a server away for now)."""
        loading = self.loading is not None and not self.loading.done()
        return self.backend is not None or loading or self.state in ("loading", "offline")

    async def ready(self, stop: threading.Event | None = None) -> Backend | None:
        """The model once it is loaded (None when loading failed, ``stop`` was set, or there is none)."""
        while self.backend is None and self.loading is not None and not self.loading.done():
            if stop is not None and stop.is_set():
                return None
            await asyncio.wait({self.loading}, timeout=0.2)
        return self.backend

    def unload(self) -> None:
        """Free the loaded model, if any."""
        if self.backend is not None:
            self.backend.close()
            self.backend = None

    def info(self) -> dict[str, Any]:
        """State, message and (once loaded) the model's facts, for ``ghostline/modelInfo``."""
        info: dict[str, Any] = {"state": self.state, "message": self.message}
        if self.choice is not None:
            info["choice_reason"] = self.choice.reason
        if self.backend is not None:
            facts = self.backend.facts
            info.update(asdict(facts), fim_mode=facts.fim_mode)
            if facts.adapter:
                info["adapter_info"] = adapter.describe(facts.adapter)
                info["adapter_drift"] = self.drift.get(facts.adapter)
        return info

    def set_state(self, state: str, message: str = "") -> None:
        """Record the model state and push a ``ghostline/status`` notification."""
        self.state, self.message = state, message
        self.server.protocol.notify(STATUS, {"state": state, "message": message, "model": self.name})

    def report(self, error: ModelError | None) -> None:
        """Tell the user about a failed model request once, not once per keystroke; a success clears it.

        A server that went away is logged and shown as the ``offline`` state; anything else (a refused key,
        an unknown model) is shown as a message that names the setting to fix.
        """
        if error is None:
            if self.problem:
                self.problem = ""
                log.info("model: answering again")
            if self.state == "offline" and self.backend is not None:
                self.refresh_ready()
            return
        if error.code == "model/closed" or error.message == self.problem:
            return
        self.problem = error.message
        if error.code in TRANSIENT:
            log.warning("model: %s", error.message)
            if self.state == "ready":
                self.set_state("offline", error.message)
            return
        log.error("model: %s", error.message)
        self._show(error.message)

    def note_speed(self, took_ms: float, budget_ms: int, cut: bool) -> None:
        """Track how long suggestions take; say "slow" once when they outgrow the budget, "ready" once back.

        Never a popup: the status item and its tooltip carry it.
        """
        self.speeds.append(max(took_ms, budget_ms) if cut else took_ms)
        if self.state not in ("ready", "slow") or len(self.speeds) < 3:
            return
        typical = sorted(self.speeds)[len(self.speeds) // 2]
        if self.state == "ready" and typical >= budget_ms:
            seconds = max(round(typical / 1000), 1)
            self.set_state("slow", f"slow machine: suggestions take ~{seconds} s (budget {budget_ms} ms)")
        elif self.state == "slow" and typical < budget_ms * 0.75 and self.backend is not None:
            self.refresh_ready()

    def _show(self, text: str, kind: types.MessageType = types.MessageType.Error) -> None:
        self.server.window_show_message(types.ShowMessageParams(kind, f"Ghostline: {text}"))

    async def _load(self, settings: ModelSettings, remote: RemoteSettings, own_adapter: bool = False) -> None:
        loop = asyncio.get_running_loop()
        chosen = None if settings.backend == "remote" else await asyncio.to_thread(choice.decide, settings)
        self._chose(chosen)
        token = await progress_token(self.server)
        self.set_state("loading", f"loading {self.name}")
        begin = types.WorkDoneProgressBegin(title="Ghostline", message=f"model {self.name}", percentage=0)
        progress(self.server, token, begin)

        def on_progress(done: int, total: int, message: str) -> None:
            pct = int(done * 100 / total) if total else None
            value = types.WorkDoneProgressReport(message=message, percentage=pct)
            loop.call_soon_threadsafe(progress, self.server, token, value)

        self.unload()
        try:
            self.backend = await asyncio.to_thread(loader.load, settings, on_progress, remote, chosen)
            if chosen is not None and self.backend.facts.name != chosen.name:  # the loader fell back (logged)
                self.choice = chosen.falling_back(f"{chosen.name} could not be downloaded")
                self.name = self.choice.name
        except asyncio.CancelledError:  # newer settings replace this load; its progress still ends
            progress(self.server, token, types.WorkDoneProgressEnd(message="cancelled"))
            raise
        except ModelError as exc:
            progress(self.server, token, types.WorkDoneProgressEnd(message="failed"))
            if own_adapter and exc.code.startswith("model/adapter"):
                self._show(f"{exc.message}; the workspace's adapter is left out", types.MessageType.Warning)
                await self._load(dataclasses.replace(settings, adapter=""), remote)
                return
            retry = exc.code in TRANSIENT
            text = f"{exc.message}; retrying in the background (syntax features keep working)"
            text = text if retry else exc.message
            self.set_state("error", text)
            log.error("model: %s", text)
            self._show(text)
            if retry:
                self.backend = await self._reconnect(settings, remote, exc.message)
            if self.backend is None:
                return
        except Exception as exc:  # noqa: BLE001 - a bug or a forged file must not leave "loading" forever
            progress(self.server, token, types.WorkDoneProgressEnd(message="failed"))
            self._fail(self.name, exc)
            return
        else:
            progress(self.server, token, types.WorkDoneProgressEnd(message="ready"))
        self.problem = ""
        facts = self.backend.facts
        self.refresh_ready()
        log.info("model ready: %s (%s, %s)", facts.name, facts.architecture, facts.fim_mode)
        if self.on_ready is not None:
            self.on_ready()

    def refresh_ready(self) -> None:
        """Say "ready" with the model, its FIM mode and its adapter (stale when the code drifted from it)."""
        if self.backend is None:
            return
        facts = self.backend.facts
        text = f"{facts.name}: {facts.fim_mode}"
        if facts.adapter:
            share = self.drift.get(facts.adapter)
            stale = f", stale: {share:.0%} of the definitions are new" if share and share > DRIFT_WARN else ""
            text += f", adapter {os.path.basename(facts.adapter)}{stale}"
        self.set_state("ready", text)

    async def _reconnect(
        self, settings: ModelSettings, remote: RemoteSettings, message: str
    ) -> Backend | None:
        """Retry an unreachable server in the background, backing off, until it answers (or settings change).

        Syntax features keep working meanwhile; the one message was shown by the caller.
        """
        for attempt in itertools.count():
            delay = min(RECONNECT_MAX_S, RECONNECT_FIRST_S * 2**attempt)
            self.set_state("offline", f"{message} (retrying in {delay:g} s)")
            await asyncio.sleep(delay)
            try:
                return await asyncio.to_thread(loader.load, settings, None, remote)
            except ModelError as exc:
                if exc.code not in TRANSIENT:
                    self.set_state("error", exc.message)
                    log.error("model: %s", exc.message)
                    self._show(exc.message)
                    return None
                log.info("model: still unreachable (%s)", exc.message)
                message = exc.message
            except Exception as exc:  # noqa: BLE001 - same as in _load: an error state, never a dead task
                self._fail(settings.name, exc)
                return None
        return None  # pragma: no cover - the loop only ends by returning

    def _chose(self, chosen: Choice | None) -> None:
        """Remember the model chosen; log it with its reason once (again only when the choice changes)."""
        if chosen is not None and (self.choice is None or chosen.name != self.choice.name):
            log.info("model: %s (%s)", chosen.name, chosen.reason)
        self.choice = chosen
        if chosen is not None:
            self.name = chosen.name

    def _fail(self, name: str, exc: Exception) -> None:
        """An unexpected error while loading: state ``error``, its traceback in the log, one message."""
        log.error("model: loading %s failed", name, exc_info=exc)
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        text = f"could not load model {name} ({detail}); details are in the server log"
        self.set_state("error", text)
        self._show(text)
