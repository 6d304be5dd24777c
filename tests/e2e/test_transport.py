"""The wire, as a hostile or sloppy client writes it: bad frames, bad JSON-RPC, lifecycle misuse, TCP.

Raw bytes go to the real ``ghostline serve --no-model`` over stdio (and TCP); every request must get exactly
one answer and the server must keep serving. A fuzz over the framing layer runs the real server in process.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import struct
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ghostline.lsp.app import create_server
from ghostline.lsp.stream import Session, read_loop

SERVE = [sys.executable, "-m", "ghostline", "serve", "--no-model"]
INIT = {"jsonrpc": "2.0", "id": "init", "method": "initialize", "params": {"capabilities": {}}}
PROBE = {"jsonrpc": "2.0", "id": "probe", "method": "ghostline/stats"}


def frame(message: Any, delta: int = 0, header: str = "Content-Length: {}\r\n\r\n") -> bytes:
    body = json.dumps(message).encode()
    return header.format(len(body) + delta).encode() + body


def messages(data: bytes) -> list[dict[str, Any]]:
    """Every message the server wrote (its own framing is well-formed)."""
    out, at = [], 0
    while (
        match := re.compile(rb"Content-Length: (\d+)\r\n(?:[^\r\n]+\r\n)*\r\n").search(data, at)
    ) is not None:
        start = match.end()
        out.append(json.loads(data[start : start + int(match[1])]))
        at = start + int(match[1])
    return out


def converse(*chunks: bytes, timeout: float = 30) -> tuple[list[dict[str, Any]], int]:
    """Send the bytes, then close stdin; the server's messages and its exit code."""
    proc = subprocess.run(SERVE, input=b"".join(chunks), capture_output=True, timeout=timeout)
    return messages(proc.stdout), proc.returncode


def answer(found: list[dict[str, Any]], msg_id: Any) -> dict[str, Any]:
    [reply] = [m for m in found if "method" not in m and m.get("id") == msg_id]
    return reply


BAD_FRAMES = {
    "10 too short": frame({"jsonrpc": "2.0", "id": "bad", "method": "ghostline/stats"}, -10),
    "40 too long": frame({"jsonrpc": "2.0", "id": "bad", "method": "ghostline/stats"}, 40),
    "negative": b"Content-Length: -5\r\n\r\n{}",
    "abc": b"Content-Length: abc\r\n\r\n{}",
    "missing": b"Content-Type: application/json\r\n\r\n{}",
    "zero": b"Content-Length: 0\r\n\r\n{}",
    "overflow": b"Content-Length: 99999999999999999999\r\n\r\n{}",
    "100 GB": b"Content-Length: 100000000000\r\n\r\n{}",
}


@pytest.mark.parametrize("name", sorted(BAD_FRAMES))
def test_after_a_bad_frame_the_server_keeps_answering(name: str) -> None:
    found, code = converse(frame(INIT), BAD_FRAMES[name], frame(PROBE))
    assert "result" in answer(found, "probe"), found
    logs = [
        m for m in found if m.get("method") == "window/logMessage" and "malformed" in m["params"]["message"]
    ]
    assert code == 0 and len(logs) <= 1


@pytest.mark.parametrize(
    "header",
    [
        "content-length: {}\r\n\r\n",
        "Content-Length:  {}\r\n\r\n",
        "Content-Length: {}\n\n",
        " CONTENT-LENGTH : {}\r\n\r\n",
    ],
)
def test_headers_are_read_as_http_reads_them(header: str) -> None:
    found, _ = converse(frame(INIT), frame(PROBE, header=header))
    assert "result" in answer(found, "probe")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", -32700),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "\xff\xfe"}', -32700),
        (b"[]", -32600),
        (json.dumps([PROBE]).encode(), -32600),
        (b"42", -32600),
        (b'"a string"', -32600),
        (b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "ghostline/stats"}', -32600),
        (b'{"jsonrpc": "2.0", "id": [1], "method": "ghostline/stats"}', -32600),
    ],
)
def test_undecodable_requests_get_an_error_with_id_null(body: bytes, code: int) -> None:
    found, _ = converse(frame(INIT), b"Content-Length: %d\r\n\r\n" % len(body) + body, frame(PROBE))
    [error] = [m for m in found if "error" in m]
    assert error["id"] is None and error["error"]["code"] == code
    assert "result" in answer(found, "probe")


DEEP = b"[" * 200_000 + b"]" * 200_000


@pytest.mark.parametrize(
    ("body", "msg_id"),
    [
        (b'{"jsonrpc": "2.0", "id": 7, "method": "ghostline/stats", "params": %s}' % DEEP, 7),
        (b'{"jsonrpc": "2.0", "method": "x", "id": "deep", "params": {"a": %s}}' % DEEP, "deep"),
        (b'{"jsonrpc": "2.0", "method": "x", "params": %s, "id": 8}' % DEEP, None),  # id after the nesting
    ],
)
def test_a_message_nested_too_deeply_to_parse_is_answered(body: bytes, msg_id: Any) -> None:
    found, _ = converse(frame(INIT), b"Content-Length: %d\r\n\r\n" % len(body) + body, frame(PROBE))
    [error] = [m for m in found if "error" in m]
    assert error["id"] == msg_id and error["error"]["code"] == -32600
    assert "result" in answer(found, "probe")


@pytest.mark.parametrize(
    "message", [{"id": 7, "method": "ghostline/stats"}, {"jsonrpc": "1.0", "id": 7, "method": "x"}]
)
def test_a_request_that_is_not_json_rpc_2_is_refused_by_its_id(message: dict[str, Any]) -> None:
    found, _ = converse(frame(INIT), frame(message))
    assert answer(found, 7)["error"]["code"] == -32600


def test_lifecycle_before_initialize_and_after_shutdown() -> None:
    hover = {"textDocument": {"uri": "file:///a.py"}, "position": {"line": 0, "character": 0}}
    found, code = converse(
        frame({"jsonrpc": "2.0", "id": "early", "method": "textDocument/hover", "params": hover}),
        frame(INIT),
        frame({"jsonrpc": "2.0", "id": "again", "method": "initialize", "params": {"capabilities": {}}}),
        frame({"jsonrpc": "2.0", "id": "down", "method": "shutdown"}),
        frame({"jsonrpc": "2.0", "id": "late", "method": "ghostline/stats"}),
        frame({"jsonrpc": "2.0", "method": "exit"}),
    )
    assert answer(found, "early")["error"]["code"] == -32002
    assert answer(found, "again")["error"]["code"] == -32600
    assert answer(found, "down")["result"] is None
    assert answer(found, "late")["error"]["code"] == -32600
    assert code == 0


def test_exit_without_shutdown_exits_with_one() -> None:
    _, code = converse(frame(INIT), frame({"jsonrpc": "2.0", "method": "exit"}))
    assert code == 1


def test_only_the_top_level_object_is_a_message() -> None:
    nested = {"jsonrpc": "2.0", "id": 999, "method": "textDocument/hover", "params": 5}
    params = {"textDocument": {"uri": "file:///a.py"}, "position": {"line": 0, "character": 0}, "x": nested}
    found, _ = converse(
        frame(INIT),
        frame({"jsonrpc": "2.0", "id": "outer", "method": "textDocument/hover", "params": params}),
    )
    assert "result" in answer(found, "outer")
    assert not [m for m in found if m.get("id") == 999]


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("initialized", {}),
        ("textDocument/didSave", {"textDocument": {"uri": "file:///a.py"}}),
        ("textDocument/didClose", {"textDocument": {"uri": "file:///a.py"}}),
        ("$/setTrace", {"value": "off"}),
        ("$/cancelRequest", {"id": 3}),
    ],
)
def test_a_notification_sent_with_an_id_is_handled_and_answered(method: str, params: Any) -> None:
    """JSON-RPC answers every message with an id; one naming a notification is handled as one."""
    text = "def f():\n    pass\n"
    opened = {"textDocument": {"uri": "file:///a.py", "languageId": "python", "version": 1, "text": text}}
    symbols = {"textDocument": {"uri": "file:///a.py"}}
    found, _ = converse(
        frame(INIT),
        frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": opened}),
        frame({"jsonrpc": "2.0", "id": "n", "method": method, "params": params}),
        frame({"jsonrpc": "2.0", "id": "after", "method": "textDocument/documentSymbol", "params": symbols}),
    )
    assert answer(found, "n")["error"]["code"] == -32600
    after = answer(found, "after")["result"]
    assert bool(after) == (method != "textDocument/didClose"), after  # a close took effect: no symbols


def test_a_request_without_params_is_answered() -> None:
    found, _ = converse(frame(INIT), frame(PROBE))
    assert "result" in answer(found, "probe")


# ---- TCP --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tcp_exchange(port: int, *chunks: bytes, wait_for: Any = "probe") -> list[dict[str, Any]]:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(b"".join(chunks))
        data = b""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            found = messages(data)
            if any(m.get("id") == wait_for for m in found):
                return found
            part = sock.recv(65536)
            if not part:
                break
            data += part
    return messages(data)


def test_tcp_serves_one_client_at_a_time_and_keeps_listening() -> None:
    port = free_port()
    proc = subprocess.Popen([*SERVE, "--tcp", str(port)], stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline() if proc.stderr else ""
        assert f"127.0.0.1', {port}" in line and "local connections only" in line, line
        with socket.create_connection(("127.0.0.1", port)):
            pass  # connects and leaves at once
        time.sleep(0.3)
        assert proc.poll() is None  # still listening
        open_doc = {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": "file:///s.py",
                    "languageId": "python",
                    "version": 1,
                    "text": "def f(:\n",
                }
            },
        }
        first = socket.create_connection(("127.0.0.1", port), timeout=20)
        first.sendall(
            frame(INIT) + frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}) + frame(open_doc)
        )
        time.sleep(0.5)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as second:
            [refusal] = messages(second.recv(65536))  # refused while the first is connected
            assert "another client" in refusal["params"]["message"]
        first.close()
        time.sleep(0.3)
        symbols = {
            "jsonrpc": "2.0",
            "id": "symbols",
            "method": "textDocument/documentSymbol",
            "params": {"textDocument": {"uri": "file:///s.py"}},
        }
        found = tcp_exchange(port, frame(INIT), frame(symbols), wait_for="symbols")
        assert (
            answer(found, "symbols")["result"] == []
        )  # a fresh session: the first client's document is gone
        assert not [m for m in found if m.get("method") == "textDocument/publishDiagnostics"]
    finally:
        proc.kill()
        proc.wait()


def test_tcp_once_ends_when_its_client_resets_the_connection() -> None:
    """A reset mid-frame is the client leaving: ``--once`` exits with no traceback, as after a clean close."""
    port = free_port()
    proc = subprocess.Popen([*SERVE, "--tcp", str(port), "--once"], stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None and "listening" in proc.stderr.readline()
        client = socket.create_connection(("127.0.0.1", port), timeout=20)
        client.sendall(frame(INIT))
        time.sleep(0.5)  # answered: the server writes to this socket
        client.sendall(b"Content-Length: 500\r\n\r\n{")
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # linger 0: a reset, not a FIN
        assert proc.wait(timeout=20) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()


# ---- fuzz -------------------------------------------------------------------------------------------

OPENED = {
    "jsonrpc": "2.0",
    "method": "textDocument/didOpen",
    "params": {
        "textDocument": {
            "uri": "file:///f.py",
            "languageId": "python",
            "version": 1,
            "text": "def f(x):\n    return x\n",
        }
    },
}
SESSION = b"".join(
    frame(m)
    for m in (
        INIT,
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        OPENED,
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": "file:///f.py", "version": 2},
                "contentChanges": [
                    {
                        "range": {"start": {"line": 1, "character": 12}, "end": {"line": 1, "character": 12}},
                        "text": " + 1",
                    }
                ],
            },
        },
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "textDocument/documentSymbol",
            "params": {"textDocument": {"uri": "file:///f.py"}},
        },
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "textDocument/hover",
            "params": {"textDocument": {"uri": "file:///f.py"}, "position": {"line": 0, "character": 4}},
        },
    )
)
FINAL = {"jsonrpc": "2.0", "id": "final", "method": "ghostline/stats"}


def run_in_process(data: bytes, wanted: frozenset[Any] = frozenset({"final"})) -> list[dict[str, Any]]:
    """The real server in this process, fed ``data``, then silent (waits ≤ 2 s for the ``wanted`` ids)."""
    server = create_server()
    server.model.disabled = True
    out = bytearray()

    class Writer:
        def write(self, chunk: bytes) -> None:
            out.extend(chunk)

        def close(self) -> None:
            pass

    server.protocol.set_writer(Writer())
    session = Session(server.protocol, threading.Event(), server.close)
    pieces = [data[i : i + 97] for i in range(0, len(data), 97)]

    async def read(n: int) -> bytes:
        if pieces:
            return pieces.pop(0)
        await asyncio.sleep(3600)  # the client keeps the stream open, waiting
        return b""

    async def main() -> None:
        task = asyncio.ensure_future(read_loop(session, read, stall_s=0.05))
        for _ in range(200):
            await asyncio.sleep(0.01)
            if wanted <= {m.get("id") for m in messages(bytes(out)) if "method" not in m}:
                break
        task.cancel()

    asyncio.run(main())
    session.end()
    return messages(bytes(out))


@pytest.mark.parametrize("too_long", [300, 1000, 5000])
def test_a_too_long_frame_arriving_in_pieces_swallows_no_later_request(too_long: int) -> None:
    """The run-on is seen in an early piece; the later pieces hold no header of their own."""
    asks = [{"jsonrpc": "2.0", "id": n, "method": "ghostline/stats"} for n in range(3)]
    last = {**FINAL, "params": {"note": "x" * 400}}  # its pieces hold no header: the run-on must stay seen
    data = frame(INIT) + frame(OPENED, too_long) + b"".join(frame(m) for m in asks) + frame(last)
    found = run_in_process(data)
    assert {m.get("id") for m in found} >= {"init", 0, 1, 2, "final"}, found[-3:]


@st.composite
def corrupted(draw: st.DrawFn) -> bytes:
    data = bytearray(SESSION)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "insert", "delete", "duplicate"]))
        byte = draw(st.integers(0, 255))
        if op == "flip":
            data[at] = byte
        elif op == "insert":
            data.insert(at, byte)
        elif op == "delete":
            del data[at]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 40))]
    return bytes(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corrupted())
def test_fuzzed_framing_leaves_the_server_answering(data: bytes) -> None:
    found = run_in_process(data + b"\r\n" + frame(FINAL))
    assert [m for m in found if m.get("id") == "final"], found[-3:]
