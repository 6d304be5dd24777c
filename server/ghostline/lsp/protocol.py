"""Protocol fixes: every request gets exactly one answer, whatever the client sends, and nothing piles up.

pygls structures every nested JSON object as a message, drops requests whose params do not fit, answers
nothing after ``shutdown`` and keeps a future per notification forever; here each body is parsed once, only
its top level is a message, and JSON-RPC 2.0's and LSP's error answers are sent where they are due.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Callable, Generator
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol, lsp_method

from ghostline.lsp.framing import split_run_on

log = logging.getLogger("ghostline")
PARSE_ERROR, INVALID_REQUEST, NOT_INITIALIZED, REQUEST_CANCELLED = -32700, -32600, -32002, -32800


class _Dropped:
    """Stands for a message that could not be decoded and was already answered."""


class _Raw:
    """A message body already serialized."""

    def __init__(self, body: str) -> None:
        self.body = body


class Prepared:
    """A result already serialized to JSON (in a worker thread): sent as it is, without pygls' converter."""

    def __init__(self, text: str) -> None:
        self.text = text


class GhostlineProtocol(LanguageServerProtocol):
    """pygls' protocol with hostile input answered, lifecycle rules enforced and document sync our own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initialize_seen = False
        self.framing_errors = 0
        self.on_lost_change: Callable[[str, str], None] = lambda uri, why: None
        """Called with a document's URI when one of its changes could not be read at all."""
        self.unanswered: Counter[Any] = Counter()
        """The ids of the client's requests taken in and not yet answered (a count: ids may repeat)."""

    def receive(self, body: bytes) -> bytes:
        """Handle one body; returns the bytes that belong to the next frame (its Content-Length too long)."""
        rest = b""
        try:
            data = json.loads(body)
        except RecursionError:
            self.reject(_shallow_id(body), INVALID_REQUEST, "the message is nested too deeply to be read")
            return b""
        except ValueError:
            split = split_run_on(body)
            if split is None:
                self.reject(None, PARSE_ERROR, "parse error: the body is not JSON in UTF-8")
                return b""
            head, rest = split
            try:
                data = json.loads(head)
            except (ValueError, RecursionError):
                self.reject(None, PARSE_ERROR, "parse error: the body is not JSON in UTF-8")
                return rest
        if isinstance(data, list):
            self.reject(None, INVALID_REQUEST, "batches are not supported by the Language Server Protocol")
        elif (problem := _invalid(data)) is not None:
            msg_id = data.get("id") if isinstance(data, dict) and _valid_id(data.get("id")) else None
            self.reject(msg_id, INVALID_REQUEST, problem)
        elif self._admitted(data):
            self._dispatch(data)
        return rest

    def _dispatch(self, data: dict[str, Any]) -> None:
        """Structure and handle an admitted message; a request whose handling fails here is still answered."""
        if "method" in data:
            data.setdefault("params", None)  # optional in JSON-RPC; pygls' generic types require it
        if data.get("method") == types.TEXT_DOCUMENT_DID_CHANGE:
            clamp_positions(data.get("params"))
        request = "id" in data and "method" in data
        if request:
            self.unanswered[data["id"]] += 1
        try:
            message = self.structure_message(data)
            if request and not isinstance(message, _Dropped) and not hasattr(message, "id"):
                # a notification's method sent with an id: handled as the notification, and answered
                why = f"{data['method']} is a notification and takes no id; it was handled as one"
                self._take(data["id"])
                self.reject(data["id"], INVALID_REQUEST, why)
            self.handle_message(message)
        except Exception as exc:
            if request and self.unanswered[data["id"]] > 0:
                error = JsonRpcInternalError(f"{data['method']} failed: {type(exc).__name__}")
                self._send_response(data["id"], None, error.to_response_error())
            raise

    def _admitted(self, data: dict[str, Any]) -> bool:
        """LSP's lifecycle: initialize first and once, nothing but exit after shutdown (requests answered)."""
        method, is_request = data.get("method"), "id" in data and "method" in data
        if method is None or method == types.EXIT:
            return True
        why = ""
        if method == types.INITIALIZE:
            why = "initialize was already received" if self.initialize_seen else ""
            self.initialize_seen = True
        elif not self.initialize_seen:
            why = f"{method} before initialize"
        elif self._shutdown:
            why = f"{method} after shutdown"
        if why and is_request:
            code = NOT_INITIALIZED if why.endswith("before initialize") else INVALID_REQUEST
            self.reject(data["id"], code, why)
        return not why

    def reject(self, msg_id: Any, code: int, message: str) -> None:
        """Answer a request that cannot be handled (``msg_id`` None: the request could not be identified)."""
        log.debug("rejected a message: %s", message)
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}})

    def framing_error(self, reason: str) -> None:
        """Tell the client, once per bad frame, that its stream was not understood (then resynchronise)."""
        self.framing_errors += 1
        text = f"Ghostline: a malformed frame was skipped ({reason})"
        log.debug(text)  # told to the client below, once
        self.notify(types.WINDOW_LOG_MESSAGE, types.LogMessageParams(types.MessageType.Warning, text))

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Decode a message; a request whose params do not fit its type gets a -32602 reply."""
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            method = data.get("method", "?")
            cause = exc.__cause__ or exc
            detail = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
            if "id" in data and "method" in data:
                kind = JsonRpcInvalidParams if isinstance(exc, JsonRpcInvalidParams) else JsonRpcInternalError
                error = kind(f"invalid params for {method}: {detail}").to_response_error()
                self._send_response(data["id"], None, error)
            log.warning("dropped malformed %s message: %s", method, detail)
            if method == types.TEXT_DOCUMENT_DID_CHANGE and (uri := _uri_of(data)) is not None:
                self.on_lost_change(uri, detail)
            return _Dropped()

    def in_flight(self) -> int:
        """Requests taken in and not answered yet (bounded by pygls' pending futures, should a count leak)."""
        return min(self.unanswered.total(), len(self._request_futures))

    def answer_outstanding(self, why: str) -> int:
        """Answer every request still unanswered with "cancelled" (the session ends); how many there were."""
        left = list(self.unanswered.elements())
        self.unanswered.clear()
        for msg_id in left:
            self.reject(msg_id, REQUEST_CANCELLED, why)
        return len(left)

    def _take(self, msg_id: Any) -> bool:
        """Count ``msg_id`` answered; False when no request with that id is waiting for an answer."""
        if self.unanswered[msg_id] <= 0:  # a missing key reads 0 and is not added
            return False
        self.unanswered[msg_id] -= 1
        if not self.unanswered[msg_id]:
            del self.unanswered[msg_id]
        return True

    def _send_response(self, msg_id: Any, result: Any | None = None, error: Any | None = None) -> None:
        """Send a response, once per request; a ``Prepared`` result goes out as its own JSON text."""
        if not self._take(msg_id):  # already answered (the session ended first): one answer each
            log.debug("a second answer to request %r was not sent", msg_id)
            return
        if error is None and isinstance(result, Prepared):
            self._result_types.pop(msg_id, None)
            head = json.dumps({"jsonrpc": "2.0", "id": msg_id})[:-1]
            self._send_data(_Raw(f'{head}, "result": {result.text}}}'))  # ASCII: bytes == characters
            return
        super()._send_response(msg_id, result, error)

    def _send_data(self, data: Any) -> None:
        """Serialize, frame and write a message (a ``_Raw`` one as it is).

        An answer that cannot be serialized (pygls logged it and sent nothing: a result nested too deeply for
        the converter) goes out as an internal error, so its request still gets its one answer.
        """
        if not data or self.writer is None:
            return
        if not isinstance(data, _Raw):
            try:
                data = _Raw(json.dumps(data, default=self._serialize_message))
            except (RecursionError, TypeError, ValueError) as exc:
                log.warning("a message could not be serialized: %s", type(exc).__name__)
                msg_id = getattr(data, "id", None)
                if getattr(data, "method", None) is not None or not _valid_id(msg_id):
                    return  # a notification or a request of ours: nothing waits for it
                why = f"the answer could not be serialized ({type(exc).__name__})"
                error = {"jsonrpc": "2.0", "id": msg_id, "error": {"code": -32603, "message": why}}
                data = _Raw(json.dumps(error))
        body = data.body.encode("utf-8")
        header = f"Content-Length: {len(body)}\r\nContent-Type: {self.CONTENT_TYPE}; charset=utf-8\r\n\r\n"
        self.writer.write(header.encode("ascii") + body)

    def handle_message(self, message: Any) -> None:
        """Dispatch a decoded message, skipping those already answered as malformed."""
        if isinstance(message, _Dropped):
            return
        super().handle_message(message)

    def _handle_notification(self, method_name: str, params: Any) -> None:
        """Run a notification; the future pygls keeps for a generator handler is dropped once it is done."""
        before = set(self._request_futures)
        super()._handle_notification(method_name, params)
        for key in set(self._request_futures) - before:
            self._request_futures[key].add_done_callback(self._forget(key))

    def _forget(self, key: Any) -> Callable[[Any], None]:
        def forget(_: Any) -> None:
            self._request_futures.pop(key, None)

        return forget

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        """Shutdown as pygls does it (pending requests cancelled, each then answered), walking a copy.

        pygls walks the live table, which a cancelled future's callback shrinks: shutdown failed with
        "dictionary changed size during iteration" whenever anything was still pending.
        """
        if (handler := self.fm.features.get(types.SHUTDOWN)) is not None:
            yield handler, args, None
        current = self.msg_id
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current and not future.done():
                future.cancel()
        self._shutdown = True

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args: Any) -> Generator[Any, Any, None]:
        """Exit as pygls does, the writer left open: the session's end answers what is left, then flushes."""
        if (handler := self.fm.features.get(types.EXIT)) is not None:
            yield handler, args, None
        sys.exit(0 if self._shutdown else 1)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """Hand didOpen to Ghostline's own document store."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """Hand didChange to Ghostline's own document store (pygls would re-split every line)."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """Hand didClose to Ghostline's own document store."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


MAX_UINT = 2**31 - 1


def clamp_positions(params: object) -> None:
    """Clamp a didChange's line and character numbers into LSP's range (``-1`` → 0, ``2**40`` → 2**31 - 1)."""
    changes = params.get("contentChanges") if isinstance(params, dict) else None
    for change in changes if isinstance(changes, list) else []:
        rng = change.get("range") if isinstance(change, dict) else None
        for end in ("start", "end"):
            pos = rng.get(end) if isinstance(rng, dict) else None
            for key in ("line", "character"):
                value = pos.get(key) if isinstance(pos, dict) else None
                if isinstance(value, int) and not isinstance(value, bool):
                    pos[key] = min(max(value, 0), MAX_UINT)  # type: ignore[index]


def _uri_of(data: dict[str, Any]) -> str | None:
    params = data.get("params")
    document = params.get("textDocument") if isinstance(params, dict) else None
    uri = document.get("uri") if isinstance(document, dict) else None
    return uri if isinstance(uri, str) else None


_SHALLOW_ID = re.compile(rb'"id"\s*:\s*(-?[0-9]{1,18}|"(?:[^"\\]|\\.){0,256}")')


def _shallow_id(body: bytes) -> Any:
    """The id of a body too deep to parse, when it comes before anything nested in it (else None)."""
    nested = [i for i in (body.find(b"{", 1), body.find(b"[", 1)) if i > 0]
    match = _SHALLOW_ID.search(body, 0, min(nested, default=len(body)))
    try:
        return json.loads(match[1]) if match else None
    except ValueError:
        return None


def _valid_id(value: object) -> bool:
    return value is None or isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _invalid(data: object) -> str | None:
    """Why ``data`` is not a JSON-RPC 2.0 message (None when it is one)."""
    if not isinstance(data, dict):
        return f"a message must be a JSON object, not {type(data).__name__}"
    if data.get("jsonrpc") != "2.0":
        return 'a message must say "jsonrpc": "2.0"'
    if "id" in data and not _valid_id(data["id"]):
        return "an id must be a string, an integer or null"
    if "method" in data:
        return None if isinstance(data["method"], str) else "a method must be a string"
    if "id" in data and ("result" in data or "error" in data):
        return None  # a response to one of our requests
    return "neither a request, a notification nor a response"
