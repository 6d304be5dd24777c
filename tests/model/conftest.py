"""Real models for tests: pulled once into the user cache (``make models`` does it ahead of time)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ghostline.model import fetch, registry
from ghostline.model.llama import LlamaBackend


def model_path(name: str) -> Path:
    return fetch.pull(registry.resolve(name))


@pytest.fixture(scope="session")
def smollm_path() -> Path:
    return model_path("smollm2-135m")


@pytest.fixture(scope="session")
def qwen_path() -> Path:
    return model_path("qwen2.5-coder-0.5b")


@pytest.fixture(scope="session")
def smollm(smollm_path: Path) -> Iterator[LlamaBackend]:
    backend = LlamaBackend(str(smollm_path), name="smollm2-135m", n_ctx=1024)
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def qwen(qwen_path: Path) -> Iterator[LlamaBackend]:
    backend = LlamaBackend(str(qwen_path), name="qwen2.5-coder-0.5b", n_ctx=2048)
    yield backend
    backend.close()
