"""HTTP for inference servers: JSON calls and server-sent-event streams that close at once when told."""

from __future__ import annotations

import contextlib
import http.client
import json
import queue
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ghostline.model.errors import ModelError

RETRY_DELAYS = (0.1, 0.3)
"""Seconds to wait before each retry of a request that failed before the server sent a byte."""
POLL_S = 0.02
"""How often a waiting stream checks its stop flag."""
_DONE = object()


class HttpError(ModelError):
    """The server answered with an error status; ``status`` is the HTTP code, ``detail`` its message."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}", "remote/http")
        self.status, self.detail = status, detail


def unreachable(where: str, exc: BaseException) -> ModelError:
    """The server could not be reached (refused, unknown host, connect timeout)."""
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return ModelError(f"cannot reach the inference server at {where} ({reason})", "remote/unreachable")


@dataclass(frozen=True)
class Endpoint:
    """Where the server is and how to talk to it; the API key is kept out of ``repr``."""

    scheme: str
    host: str
    port: int
    base: str
    timeout_s: float = 10.0
    verify_tls: bool = True
    api_key: str = field(default="", repr=False)

    @classmethod
    def parse(cls, url: str, api_key: str = "", timeout_s: float = 10.0, verify_tls: bool = True) -> Endpoint:
        """An endpoint from a base URL such as ``http://gpu-box:8080`` (a trailing ``/v1`` is dropped)."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelError(f"remote.url must be an http:// or https:// URL, got {url!r}", "remote/bad-url")
        base = parts.path.rstrip("/")
        base = base[: -len("/v1")] if base.endswith("/v1") else base
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return cls(parts.scheme, parts.hostname, port, base, timeout_s, verify_tls, api_key)

    @property
    def where(self) -> str:
        """``scheme://host:port/base`` for messages (never the key)."""
        return f"{self.scheme}://{self.host}:{self.port}{self.base}"

    def headers(self) -> dict[str, str]:
        """Request headers, with the bearer token when a key is set."""
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def connection(self) -> http.client.HTTPConnection:
        """A new (not yet connected) connection."""
        if self.scheme == "https":
            context = ssl.create_default_context()
            if not self.verify_tls:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout_s, context=context)
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout_s)


def _send(
    endpoint: Endpoint,
    method: str,
    path: str,
    body: Any,
    gave_up: Callable[[], bool],
    track: Callable[[http.client.HTTPConnection], None] = lambda conn: None,
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """Connect, send and read the status line, retrying only failures that happen before any answer.

    Completion requests have no side effects, so a request the server never answered may be sent again.
    """
    payload = None if body is None else json.dumps(body).encode("utf-8")
    for attempt in range(len(RETRY_DELAYS) + 1):
        conn = endpoint.connection()
        track(conn)
        try:
            conn.request(method, endpoint.base + path, body=payload, headers=endpoint.headers())
            return conn, conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            if attempt == len(RETRY_DELAYS) or gave_up():
                raise unreachable(endpoint.where, exc) from None
            time.sleep(RETRY_DELAYS[attempt])
    raise AssertionError("not reached")  # pragma: no cover


def _error_detail(raw: bytes) -> str:
    """The message inside an error body (OpenAI, FastAPI, llama-server and Ollama shapes)."""
    text = raw.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:300] or "no details"
    error = data.get("error", data.get("detail", data)) if isinstance(data, dict) else data
    if isinstance(error, dict):
        error = error.get("message", error)
    return str(error)[:300]


def call(endpoint: Endpoint, method: str, path: str, body: Any = None) -> Any:
    """One JSON request; raises HttpError for an error status, ModelError when unreachable."""
    conn, response = _send(endpoint, method, path, body, lambda: False)
    try:
        raw = response.read()
    except (OSError, http.client.HTTPException) as exc:
        raise unreachable(endpoint.where, exc) from None
    finally:
        conn.close()
    if response.status >= 400:
        raise HttpError(response.status, _error_detail(raw))
    try:
        return json.loads(raw or b"null")
    except ValueError:
        raise ModelError(
            f"{endpoint.where}{path} did not answer JSON (is remote.url an inference server?)",
            "remote/protocol",
        ) from None


class Stream:
    """A POST whose answer is read as server-sent events on a reader thread.

    ``events`` yields each event's JSON; it checks ``should_stop`` every few milliseconds even while
    the server is silent, and then shuts the socket down, which ends the request on the server too.
    """

    def __init__(self, endpoint: Endpoint, path: str, body: Any) -> None:
        self.endpoint, self.path = endpoint, path
        self._out: queue.Queue[object] = queue.Queue()
        self._closed = threading.Event()
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()
        self.received = False
        """Whether any byte of the answer arrived (after that, nothing is retried)."""
        threading.Thread(target=self._pump, args=(body,), name="ghostline-remote", daemon=True).start()

    def _pump(self, body: Any) -> None:
        try:
            conn, response = _send(self.endpoint, "POST", self.path, body, self._closed.is_set, self._track)
            if self._closed.is_set():
                conn.close()
                return
            self.received = True
            if response.status >= 400:
                self._out.put(HttpError(response.status, _error_detail(response.read())))
                return
            for data in _sse_data(response):
                self._out.put(data)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            self._out.put(self._dropped(exc))
        except ModelError as exc:
            self._out.put(exc)
        finally:
            with self._lock:
                if self._conn is not None:
                    self._conn.close()
            self._out.put(_DONE)

    def _track(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            self._conn = conn

    def _dropped(self, exc: BaseException) -> ModelError:
        if isinstance(exc, TimeoutError):
            return ModelError(
                f"the inference server at {self.endpoint.where} sent nothing for "
                f"{self.endpoint.timeout_s:g} s (raise remote.timeoutMs if it is just slow)",
                "remote/timeout",
            )
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return ModelError(
            f"the inference server at {self.endpoint.where} dropped the connection ({reason})",
            "remote/dropped",
        )

    def events(self, should_stop: Callable[[], bool]) -> Iterator[Any]:
        """Each event's parsed JSON until the stream ends; stops (and closes) as soon as ``should_stop``."""
        try:
            while not should_stop():
                try:
                    item = self._out.get(timeout=POLL_S)
                except queue.Empty:
                    continue
                if item is _DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.close()

    def close(self) -> None:
        """End the request now: shut the socket so that a blocked read returns at once."""
        self._closed.set()
        with self._lock:
            sock = self._conn.sock if self._conn is not None else None
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def _sse_data(response: http.client.HTTPResponse) -> Iterator[Any]:
    """The JSON of each ``data:`` event until ``[DONE]`` (comments and other fields are skipped)."""
    lines: list[str] = []
    while raw := response.readline():
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if line.startswith("data:"):
            lines.append(line[5:].lstrip(" "))
            continue
        if line or not lines:
            continue  # a comment (": ping"), another field, or a blank line with no data pending
        data, lines = "\n".join(lines), []
        if data.strip() == "[DONE]":
            return
        yield json.loads(data)
    if lines and (data := "\n".join(lines)).strip() != "[DONE]":
        yield json.loads(data)
