"""pytest-lsp fixtures: the real ``ghostline serve`` over stdio, once per client profile."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp_session import start

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "ghostline", "serve", "--no-model"])
PROFILES = ["visual_studio_code", "neovim"]


@pytest_lsp.fixture(params=PROFILES, config=SERVER, scope="module")
async def client(request: pytest.FixtureRequest, lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    lsp_client.profile = request.param  # type: ignore[attr-defined]
    lsp_client.init_result = await start(lsp_client, request.param)  # type: ignore[attr-defined]
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def raw_client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    """A client the test initialises itself (to choose options)."""
    yield lsp_client
    await lsp_client.shutdown_session()
