"""Work-done progress (``$/progress``): a server-created token, then begin / report / end on it."""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from concurrent.futures import Future
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

log = logging.getLogger("ghostline")


async def progress_token(ls: LanguageServer, prefix: str = "ghostline-model") -> str | None:
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


def progress(ls: LanguageServer, token: str | None, value: Any) -> None:
    """Send one $/progress value (nothing when there is no token); the end forgets the token."""
    if token is None:
        return
    if isinstance(value, types.WorkDoneProgressBegin):
        ls.protocol.progress.begin(token, value)
    elif isinstance(value, types.WorkDoneProgressEnd):
        ls.protocol.progress.end(token, value)
        ls.protocol.progress.tokens.pop(token, None)
    else:
        ls.protocol.progress.report(token, value)


def cancel_event(ls: LanguageServer, token: str | None) -> threading.Event:
    """A flag set when the client cancels the progress of ``token`` (its cancel button).

    pygls resolves the token's future on ``window/workDoneProgress/cancel``; ``progress`` drops it at the end.
    """
    stop = threading.Event()
    if token is not None:
        ls.protocol.progress.tokens.setdefault(token, Future())
        ls.protocol.progress.tokens[token].add_done_callback(lambda future: stop.set())
    return stop
