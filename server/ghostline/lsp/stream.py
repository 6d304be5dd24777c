"""Serving a client over stdio or local TCP: the read loop, with framing errors survived and exit codes kept.

TCP serves one client at a time, each with a fresh server (its own documents and settings); a second client
is refused while one is connected, and the server keeps listening after a client leaves unless ``once``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import BinaryIO

from pygls.io_ import StdoutWriter

from ghostline.lsp.framing import MAX_FRAME, STALL_S, FrameError, FrameReader, Read
from ghostline.lsp.protocol import GhostlineProtocol

log = logging.getLogger("ghostline")
_BUSY = json.dumps(
    {
        "jsonrpc": "2.0",
        "method": "window/showMessage",
        "params": {
            "type": 1,
            "message": "Ghostline: another client is connected to this server; try again later",
        },
    }
).encode()
_REFUSAL = b"Content-Length: %d\r\n\r\n%s" % (len(_BUSY), _BUSY)
HIGH_WATER, LOW_WATER = 8 << 20, 1 << 20
"""Answers the client has not read yet, in bytes, above which reading pauses, and below which it resumes."""
MAX_IN_FLIGHT, IN_FLIGHT_WAIT_S = 64, 5.0
"""Requests taken in and not yet answered above which reading pauses (for at most ``IN_FLIGHT_WAIT_S``: a
handler may be waiting for the client's answer to a request of its own, which needs reading)."""
SETTLE_S = 0.5
"""How long answers already on their way may take to be sent when the session ends."""


class Session:
    """What one connection needs from a server: its protocol, a stop flag and how to end it."""

    def __init__(self, protocol: GhostlineProtocol, stop: threading.Event, end: Callable[[], None]) -> None:
        self.protocol, self.stop, self.end = protocol, stop, end
        self.exit_code = 0


async def read_loop(
    session: Session, read: Read, max_frame: int = MAX_FRAME, stall_s: float = STALL_S
) -> None:
    """Read frames until the stream ends or the client sends ``exit``; bad frames are skipped."""
    reader = FrameReader(read, max_frame, stall_s)
    protocol = session.protocol
    while not session.stop.is_set():
        await _until_answers_catch_up(protocol)
        await _until_client_reads(protocol.writer)
        try:
            body = await reader.next_frame()
        except FrameError as exc:
            protocol.framing_error(str(exc))
            if not await reader.resync():
                break
            continue
        if body is None:
            break
        try:
            if rest := protocol.receive(body):
                reader.push_back(rest)
        except SystemExit as exc:  # the exit notification
            session.exit_code = exc.code if isinstance(exc.code, int) else 1
            break
        except Exception:
            log.exception("unable to handle a message")
    await _answer_the_rest(protocol)


async def _until_answers_catch_up(protocol: GhostlineProtocol) -> None:
    """Wait (a while at most) when the client has ``MAX_IN_FLIGHT`` requests unanswered."""
    waited = 0.0
    while protocol.in_flight() >= MAX_IN_FLIGHT and waited < IN_FLIGHT_WAIT_S:
        await asyncio.sleep(0.01)
        waited += 0.01


async def _until_client_reads(writer: object) -> None:
    """Wait while the client leaves more than ``HIGH_WATER`` bytes of answers unread (until ``LOW_WATER``).

    A client then cannot send more than it reads: the server's memory stays bounded whatever it does.
    """
    if not isinstance(writer, _AsyncWriter) or writer.pending() <= HIGH_WATER:
        return
    log.warning("the client is not reading its answers (%d bytes waiting): reading paused", writer.pending())
    while writer.pending() > LOW_WATER and not writer.closing():
        await asyncio.sleep(0.02)
    log.info("the client reads again: reading resumed")


async def _answer_the_rest(protocol: GhostlineProtocol) -> None:
    """At the session's end, every request still unanswered is answered as cancelled (after a moment).

    Answers on their way get ``SETTLE_S`` to be sent; so each request the client sent has one answer.
    """
    for _ in range(int(SETTLE_S / 0.01)):
        if not protocol.unanswered:
            return
        await asyncio.sleep(0.01)
    count = protocol.answer_outstanding("the server is ending this session")
    log.info("%d requests unanswered at the end of the session were answered as cancelled", count)


def serve_stdio(session: Session, stdin: BinaryIO, stdout: BinaryIO, max_frame: int = MAX_FRAME) -> int:
    """Serve one client over stdin/stdout; the exit code LSP asks for (1 when exit came without shutdown)."""
    session.protocol.set_writer(StdoutWriter(stdout))
    fd = stdin.fileno()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        try:  # writes that never block the loop, whatever the client's reading pace
            transport, _ = await loop.connect_write_pipe(asyncio.Protocol, stdout)
            session.protocol.set_writer(_AsyncWriter(transport))
        except (ValueError, OSError):
            pass  # a regular file: plain blocking writes

        read = await _pipe_reader(loop, stdin, fd)
        await read_loop(session, read, max_frame)
        writer = session.protocol.writer
        for _ in range(500):  # what is still buffered reaches the client before the process ends
            if not isinstance(writer, _AsyncWriter) or not writer.pending():
                break
            await asyncio.sleep(0.01)

    try:
        asyncio.run(main())
    except BrokenPipeError:
        log.error("the client went away; shutting down")
    finally:
        session.end()
    return session.exit_code


async def _pipe_reader(loop: asyncio.AbstractEventLoop, stdin: BinaryIO, fd: int) -> Read:
    """Reads from stdin on the loop itself (a pipe), else in a worker thread (a file, a terminal)."""
    try:
        stream = asyncio.StreamReader(limit=1 << 20)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), stdin)
    except (ValueError, OSError):

        async def read_blocking(n: int) -> bytes:
            return await loop.run_in_executor(None, os.read, fd, n)

        return read_blocking
    return stream.read


def serve_tcp(
    new_session: Callable[[], Session], host: str, port: int, once: bool = False, max_frame: int = MAX_FRAME
) -> int:
    """Listen on ``host:port``: one client at a time, each with a fresh session."""
    busy = asyncio.Lock()
    done = asyncio.Event()

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if busy.locked():
            log.warning("refused a second client while one is connected")
            writer.write(_REFUSAL)
            with contextlib.suppress(ConnectionError):  # it may be gone already
                await writer.drain()
            writer.close()
            return
        async with busy:
            session = new_session()
            session.protocol.set_writer(_AsyncWriter(writer))
            try:
                await read_loop(session, reader.read, max_frame)
            except ConnectionError as exc:  # reset or broken: the client is gone, as if it had closed
                log.info("the client's connection broke: %s", exc)
            finally:
                session.end()
                writer.close()
            log.info("client left (exit code %d)", session.exit_code)
            if once:
                done.set()

    async def main() -> None:
        server = await asyncio.start_server(connection, host, port)
        where = ", ".join(str(s.getsockname()[:2]) for s in server.sockets)
        local = host in ("127.0.0.1", "localhost", "::1")
        print(
            f"ghostline: listening on {where}"
            + (" (local connections only)" if local else "; other machines can connect"),
            file=sys.stderr,
            flush=True,
        )
        async with server:
            await done.wait()

    asyncio.run(main())
    return 0


class _AsyncWriter:
    """pygls' writer interface over an asyncio transport or stream writer (buffered, never blocking)."""

    def __init__(self, target: asyncio.WriteTransport | asyncio.StreamWriter) -> None:
        self._target = target

    def close(self) -> None:
        self._target.close()

    def write(self, data: bytes) -> None:
        if not self._target.is_closing():
            self._target.write(data)

    def pending(self) -> int:
        """Bytes written but not yet taken by the other side."""
        target = self._target
        transport = target if isinstance(target, asyncio.WriteTransport) else target.transport
        return transport.get_write_buffer_size() if isinstance(transport, asyncio.WriteTransport) else 0

    def closing(self) -> bool:
        """Whether the connection is closing (nothing more will be taken)."""
        return self._target.is_closing()
