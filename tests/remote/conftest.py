"""Fixtures for the remote tests: the real inference server, a proxy in front of it, the API key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ghostline.model import fetch, registry

from .servers import KEY, KEY_ENV, LlamaServer, Proxy


@pytest.fixture(scope="module")
def smollm_file() -> Path:
    return fetch.pull(registry.resolve("smollm2-135m"))


@pytest.fixture(scope="module")
def llama_server(smollm_file: Path) -> Iterator[LlamaServer]:
    server = LlamaServer(smollm_file)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def key_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(KEY_ENV, KEY)
    return KEY_ENV


@pytest.fixture
def proxy(llama_server: LlamaServer) -> Iterator[Proxy]:
    p = Proxy(llama_server.port).start()
    yield p
    p.stop()
