"""The remote backend against a real llama-cpp-python server: probe, tokens, streaming, stop, faults."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ghostline.config import RemoteSettings
from ghostline.model.backend import Backend
from ghostline.model.errors import ModelError
from ghostline.model.remote import RemoteBackend

from .servers import KEY, KEY_ENV, LlamaServer, Proxy, free_port

pytestmark = pytest.mark.model
PROMPT = "def fibonacci(n):\n"


def backend(url: str, **overrides: object) -> RemoteBackend:
    settings = RemoteSettings(url=url, api_key_env=KEY_ENV, timeout_ms=60000)  # a busy test machine
    return RemoteBackend(dataclasses.replace(settings, **overrides))


def test_probe_reports_the_served_model(llama_server: LlamaServer, key_env: str, smollm_file: Path) -> None:
    remote = backend(llama_server.url + "/v1/")
    assert isinstance(remote, Backend)
    assert remote.facts.name == str(smollm_file)
    assert remote.info.kind == "llama-cpp-python"
    assert remote.facts.fim is None  # SmolLM2's vocabulary has no FIM tokens: prefix-only
    assert remote.api == "openai"
    tokens = remote.tokenize("def add(a, b):")
    assert len(tokens) >= 5
    assert remote.detokenize(tokens) == "def add(a, b):"


def test_streams_pieces_and_honours_stop_strings(llama_server: LlamaServer, key_env: str) -> None:
    remote = backend(llama_server.url)
    generation = remote.generate(PROMPT, max_tokens=24)
    pieces = list(generation)
    assert len(pieces) > 3
    assert generation.stats.generated_tokens == len(pieces)
    assert generation.stats.stopped_by in ("max_tokens", "eos")
    full = "".join(pieces)
    assert "\n" in full.strip("\n"), full
    one_line = remote.generate(PROMPT, max_tokens=24, stop=["\n"]).text()
    assert one_line == full.split("\n", 1)[0]


def test_should_stop_closes_the_stream_at_once(llama_server: LlamaServer, key_env: str) -> None:
    proxy = Proxy(llama_server.port).start()
    try:
        remote = backend(proxy.url)
        proxy.delay_s = 5.0  # the server turns slow: nothing arrives for 5 s
        stop_at = time.monotonic() + 0.3
        started = time.monotonic()
        generation = remote.generate(PROMPT, max_tokens=64, should_stop=lambda: time.monotonic() > stop_at)
        assert generation.text() == ""
        assert time.monotonic() - started < 0.6
        assert generation.stats.stopped_by == "should_stop"
        for _ in range(50):  # the proxy sees the client hang up (the request is not left running)
            if proxy.closed_by_client:
                break
            time.sleep(0.01)
        assert proxy.closed_by_client and proxy.closed_by_client[-1] - stop_at < 0.3
    finally:
        proxy.stop()


def test_answer_cut_mid_stream_fails_then_next_works(llama_server: LlamaServer, key_env: str) -> None:
    proxy = Proxy(llama_server.port).start()
    try:
        remote = backend(proxy.url)
        proxy.cut_after = 700  # headers and the first events, then the connection drops
        with pytest.raises(ModelError) as raised:
            remote.generate(PROMPT, max_tokens=64).text()
        assert raised.value.code == "remote/dropped"
        proxy.cut_after = None
        assert remote.generate(PROMPT, max_tokens=8).text()
    finally:
        proxy.stop()


def test_wrong_key_and_wrong_model_name_the_setting(
    llama_server: LlamaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "not-the-key")
    with pytest.raises(ModelError, match=r"remote\.apiKeyEnv") as raised:
        backend(llama_server.url)
    assert "not-the-key" not in str(raised.value)
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(ModelError, match=rf"\${KEY_ENV}, which is not set"):
        backend(llama_server.url)
    monkeypatch.setenv(KEY_ENV, "x")
    with pytest.raises(ModelError, match="refused"):
        backend(llama_server.url)


def test_unknown_model_names_remote_model(llama_server: LlamaServer, key_env: str) -> None:
    with pytest.raises(ModelError, match=r"remote\.model is 'no-such-model'.*it serves: ") as raised:
        backend(llama_server.url, model="no-such-model")
    assert raised.value.code == "remote/model"


def test_unreachable_server_is_a_transient_error(key_env: str) -> None:
    started = time.monotonic()
    with pytest.raises(ModelError, match="cannot reach the inference server") as raised:
        backend(f"http://127.0.0.1:{free_port()}")
    assert raised.value.code == "remote/unreachable"
    assert time.monotonic() - started < 3  # two quick retries, no long hang


def test_server_killed_mid_stream_then_restarted(smollm_file: Path, key_env: str) -> None:
    server = LlamaServer(smollm_file)
    server.start()
    try:
        remote = backend(server.url)
        first_piece = threading.Event()
        outcome: list[BaseException | str] = []

        def consume() -> None:
            try:
                for _ in remote.generate(PROMPT, max_tokens=400):
                    first_piece.set()
                outcome.append("finished")
            except ModelError as exc:
                outcome.append(exc)

        worker = threading.Thread(target=consume)
        worker.start()
        assert first_piece.wait(60)
        server.stop()
        worker.join(10)
        [error] = outcome
        assert isinstance(error, ModelError) and error.code in ("remote/dropped", "remote/unreachable")
        server.start()
        assert remote.generate(PROMPT, max_tokens=8).text()
    finally:
        server.stop()


def test_cli_complete_through_the_server(llama_server: LlamaServer, tmp_path: Path) -> None:
    source = tmp_path / "add.py"
    source.write_text("def add(a, b):\n    return \n", encoding="utf-8")
    command = [sys.executable, "-m", "ghostline", "complete", f"{source}:2:12", "--backend", "remote"]
    result = subprocess.run(
        [*command, "--json", "--url", llama_server.url, "--api-key-env", KEY_ENV],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, KEY_ENV: KEY},
    )
    assert result.returncode == 0, result.stderr
    assert '"text": ""' not in result.stdout
    assert '"generated_tokens"' in result.stdout
