"""Fixtures for the tuning tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .repo import make_repo


@pytest.fixture(scope="session")
def stdlib_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("repo"))
