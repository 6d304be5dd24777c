"""A real inference server (llama-cpp-python's OpenAI-compatible one) and a fault-injecting TCP proxy."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

KEY_ENV = "GHOSTLINE_TEST_REMOTE_KEY"
KEY = "test-key-7f3a"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LlamaServer:
    """``python -m llama_cpp.server`` on 127.0.0.1 with the small model and an API key."""

    def __init__(self, model: Path, port: int | None = None) -> None:
        self.model, self.port = model, port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> None:
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model)]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", "2048"]
        command += ["--api_key", KEY, "--verbose", "False", "--n_threads", "2"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "llama_cpp.server exited"
            with contextlib.suppress(OSError):
                request = urllib.request.Request(
                    f"{self.url}/v1/models", headers={"Authorization": f"Bearer {KEY}"}
                )
                with urllib.request.urlopen(request, timeout=2) as answer:
                    if json.load(answer)["data"]:
                        self._warm()
                        return
            time.sleep(0.2)
        raise TimeoutError("llama_cpp.server did not come up")

    def _warm(self) -> None:
        """One tiny completion, so that the first request of a test is not the (slow) cold one."""
        body = json.dumps({"prompt": "x", "max_tokens": 1}).encode()
        headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
        request = urllib.request.Request(f"{self.url}/v1/completions", body, headers)
        with urllib.request.urlopen(request, timeout=120) as answer:
            answer.read()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None


class Proxy:
    """Forwards 127.0.0.1:port to a server; can delay its answers, cut them, or not listen at all."""

    def __init__(self, upstream_port: int, port: int | None = None) -> None:
        self.upstream_port, self.port = upstream_port, port or free_port()
        self.delay_s = 0.0
        self.cut_after: int | None = None
        """Close both sides after this many bytes of the answer."""
        self.closed_by_client: list[float] = []
        """monotonic times at which a client closed its side."""
        self._listener: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Proxy:
        listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                _close(client)
                continue
            threading.Thread(target=self._up, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._down, args=(upstream, client), daemon=True).start()

    def _up(self, client: socket.socket, upstream: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := client.recv(65536):
                upstream.sendall(data)
        self.closed_by_client.append(time.monotonic())
        _close(upstream)

    def _down(self, upstream: socket.socket, client: socket.socket) -> None:
        sent = 0
        with contextlib.suppress(OSError):
            while data := upstream.recv(65536):
                if self.delay_s:
                    time.sleep(self.delay_s)
                if self.cut_after is not None and sent + len(data) >= self.cut_after:
                    client.sendall(data[: max(0, self.cut_after - sent)])
                    break
                client.sendall(data)
                sent += len(data)
        _close(client)
        _close(upstream)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def lsp_env() -> dict[str, str]:
    """The environment for a ``ghostline serve`` under test: the key, and private state."""
    state = os.path.join(os.environ.get("TMPDIR", "/tmp"), "ghostline-remote-state")
    return {**os.environ, KEY_ENV: KEY, "GHOSTLINE_STATE_DIR": state}
