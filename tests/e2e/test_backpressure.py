"""A client that does not read, or ends the session with requests in flight, over the real stdio server.

Reading pauses while too many answers wait unread (the client's own writes then block), so the server's
memory stays bounded; and every request sent before the end gets exactly one answer.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from typing import Any

from tests.e2e.test_transport import SERVE, frame, messages

INIT = [
    frame({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}}}),
    frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
]
END = [
    frame({"jsonrpc": "2.0", "id": "end", "method": "shutdown"}),
    frame({"jsonrpc": "2.0", "method": "exit"}),
]
_HEADER = re.compile(rb"Content-Length: (\d+)\r\n(?:[^\r\n]+\r\n)*\r\n")


def rss_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))


def answers_by_id(proc: subprocess.Popen[bytes], wanted: int) -> dict[Any, int]:
    """Read until ``wanted`` integer-id answers came (or the stream ended): how often each id was answered."""
    assert proc.stdout is not None
    buf, got = b"", dict[Any, int]()
    while sum(got.values()) < wanted and (chunk := proc.stdout.read1(1 << 20)):
        buf += chunk
        while (m := _HEADER.match(buf)) and len(buf) >= m.end() + int(m[1]):
            message = json.loads(buf[m.end() : m.end() + int(m[1])])
            buf = buf[m.end() + int(m[1]) :]
            if "method" not in message and isinstance(message.get("id"), int) and message["id"] > 0:
                got[message["id"]] = got.get(message["id"], 0) + 1
    return got


def test_a_client_that_does_not_read_cannot_grow_the_server() -> None:
    """300 requests whose answers echo 400 KB each (120 MB in all) sent by a client not reading any."""
    count, size = 300, 400_000
    proc = subprocess.Popen(SERVE, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdin is not None
    sent = 0

    def send() -> None:
        nonlocal sent
        assert proc.stdin is not None
        proc.stdin.write(b"".join(INIT))
        for i in range(1, count + 1):  # an unknown method: its error answer repeats the name
            proc.stdin.write(frame({"jsonrpc": "2.0", "id": i, "method": "x/" + "y" * size}))
            proc.stdin.flush()
            sent = i

    writer = threading.Thread(target=send, daemon=True)
    writer.start()
    time.sleep(1.0)
    base = rss_mb(proc.pid)
    time.sleep(3.0)  # the server has had time to answer everything it took in
    grown, stalled_at = rss_mb(proc.pid) - base, sent
    got = answers_by_id(proc, count)  # now the client reads: the rest is taken in and answered
    writer.join(timeout=30)
    assert proc.stdin is not None
    proc.stdin.write(b"".join(END))
    proc.stdin.close()
    assert proc.stdout is not None
    proc.stdout.read()
    assert proc.wait(timeout=30) == 0
    assert stalled_at < count // 2, "the server kept reading while nothing was read"
    assert grown < 48, f"{grown} MB more while the client did not read"
    assert sorted(got) == list(range(1, count + 1)) and set(got.values()) == {1}


def test_requests_in_flight_at_shutdown_and_exit_get_one_answer_each() -> None:
    """Sent in one burst: the outline requests are still pending when shutdown and exit are read."""
    text = "".join(f"def f{i}(a):\n    return a\n\n" for i in range(50))
    uri = "file:///tmp/burst.py"
    opened = {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}
    outline = {"textDocument": {"uri": uri}}
    burst = [*INIT, frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": opened})]
    burst += [
        frame({"jsonrpc": "2.0", "id": i, "method": "textDocument/documentSymbol", "params": outline})
        for i in range(1, 6)
    ]
    proc = subprocess.run(SERVE, input=b"".join(burst + END), capture_output=True, timeout=60)
    found = [m for m in messages(proc.stdout) if "method" not in m]
    ids = [m["id"] for m in found]
    assert sorted(ids, key=str) == sorted([0, 1, 2, 3, 4, 5, "end"], key=str), found
    shutdown = next(m for m in found if m["id"] == "end")
    assert "error" not in shutdown, shutdown  # pygls failed it: "dictionary changed size during iteration"
    assert proc.returncode == 0
