"""Reading LSP frames (``Content-Length`` headers, then a body) from a byte stream that may be hostile.

Header names are case-insensitive and whitespace-tolerant, lines may end in LF alone; a frame larger than
the limit is refused without allocating it; after any framing error the reader resynchronises at the next
``Content-Length`` header. Memory stays bounded by the limit whatever the stream holds.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

MAX_FRAME = 64 << 20
"""The largest body accepted by default (64 MiB); ``GHOSTLINE_MAX_FRAME_MB`` or ``serve --max-frame-mb``."""
CHUNK = 1 << 16
MAX_HEADER_LINE = 8192
MAX_HEADERS = 32
STALL_S = 1.0
"""How long the sender may pause inside a body that already holds the start of another frame before the
body is taken to have run into it (its Content-Length was too long)."""
_CONTENT_LENGTH = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
_RUN_ON = re.compile(rb"[}\]][ \t\r\n]*(content-length[ \t]*:)", re.IGNORECASE)
_DIGITS = re.compile(rb"[0-9]{1,20}")

Read = Callable[[int], Awaitable[bytes]]
"""Reads up to n bytes; b'' at the end of the stream."""


class FrameError(Exception):
    """A frame that cannot be read as it stands; the reader must resynchronise."""


class FrameReader:
    """Frames from ``read``: ``next_frame`` gives bodies, ``resync`` skips to the next header."""

    def __init__(self, read: Read, max_frame: int = MAX_FRAME, stall_s: float = STALL_S) -> None:
        self._read = read
        self.max_frame = max_frame
        self.stall_s = stall_s
        self._buffer = bytearray()
        self._eof = False
        self._pending: asyncio.Future[Any] | None = None
        """A read in flight: kept across a stall, so no byte it brings is lost."""

    async def next_frame(self) -> bytes | None:
        """The next body (None at the end of the stream); FrameError when the headers are unusable."""
        length: int | None = None
        lines = 0
        while True:
            line = await self._line()
            if line is None:
                return None
            text = line.strip()
            if not text:
                if length is None:
                    if lines:
                        raise FrameError("headers without a Content-Length")
                    continue  # a stray blank line between frames
                break
            lines += 1
            if lines > MAX_HEADERS:
                raise FrameError("too many header lines")
            name, sep, value = text.partition(b":")
            if name.strip().lower() == b"content-length":
                length = self._length(value.strip())
            elif (inside := _CONTENT_LENGTH.search(text)) is not None:
                self.push_back(text[inside.start() :] + b"\n")  # a header after garbage: start again there
                raise FrameError(f"garbage before a header: {_shown(text[: inside.start()])}")
            elif not sep:
                raise FrameError(f"not a header line: {_shown(text)}")
        return await self._exactly(length)

    def push_back(self, data: bytes) -> None:
        """Put bytes back at the front of the stream (a body that held the start of the next frame)."""
        self._buffer[:0] = data

    async def resync(self) -> bool:
        """Discard bytes up to the next ``Content-Length`` header; False when the stream ended first."""
        keep = len(b"content-length") + 8
        while True:
            match = _CONTENT_LENGTH.search(self._buffer)
            if match is not None:
                del self._buffer[: match.start()]
                return True
            if len(self._buffer) > keep:
                del self._buffer[: len(self._buffer) - keep]
            if not await self._fill():
                self._buffer.clear()
                return False

    def _length(self, value: bytes) -> int:
        if not _DIGITS.fullmatch(value):
            raise FrameError(f"bad Content-Length {_shown(value)}")
        length = int(value)
        if length > self.max_frame:
            raise FrameError(f"frame of {length} bytes refused (the limit is {self.max_frame} bytes)")
        return length

    async def _line(self) -> bytes | None:
        """One header line without its line ending (None at the end of the stream)."""
        start = 0
        while True:
            end = self._buffer.find(b"\n", start)
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return line.rstrip(b"\r")
            if len(self._buffer) > MAX_HEADER_LINE:
                raise FrameError("header line too long")
            start = len(self._buffer)
            if not await self._fill():
                return None

    async def _exactly(self, n: int) -> bytes | None:
        """``n`` bytes; fewer when the body holds another frame and the sender stopped (it ran on)."""
        scanned, run_on = 0, False
        while len(self._buffer) < n:
            # once seen, a run-on stays seen: later reads may bring bytes without another header in them
            run_on = run_on or _RUN_ON.search(self._buffer, max(scanned - 64, 0)) is not None
            scanned = len(self._buffer)
            got = await self._fill(self.stall_s if run_on else None)
            if got is None:
                n = len(self._buffer)  # the receiver splits it at the next frame's header
            elif not got:
                return None
        body = bytes(self._buffer[:n])
        del self._buffer[:n]
        return body

    async def _fill(self, timeout: float | None = None) -> bool | None:
        """Read more: True when bytes came, False at the end of the stream, None when none came in time."""
        if self._eof:
            return False
        if self._pending is None:
            self._pending = asyncio.ensure_future(self._read(CHUNK))
        if timeout is not None:
            done, _ = await asyncio.wait({self._pending}, timeout=timeout)
            if not done:
                return None
        data = await self._pending
        self._pending = None
        if not data:
            self._eof = True
            return False
        self._buffer += data
        return True


def split_run_on(body: bytes) -> tuple[bytes, bytes] | None:
    """A body that ran into the next frame (its Content-Length was too long): (message, the rest)."""
    match = _RUN_ON.search(body)
    if match is None:
        return None
    return body[: match.start(1)].rstrip(), body[match.start(1) :]


def _shown(data: bytes) -> str:
    text = data[:40].decode("utf-8", "replace")
    return repr(text + ("…" if len(data) > 40 else ""))
