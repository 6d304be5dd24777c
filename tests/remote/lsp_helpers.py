"""LSP helpers for the remote tests: settings, model state, inline completion."""

from __future__ import annotations

import asyncio
from typing import Any

from pytest_lsp import LanguageClient

from ghostline.harness.client import inline_completion

from .servers import KEY_ENV

COMPLETION = {"debounceMs": 0, "prefetch": False, "warmup": False, "maxLatencyMs": 60000}
SOURCE = "def add(a, b):\n    return \n"


def options(url: str, **remote: Any) -> dict[str, Any]:
    return {
        "model": {"backend": "remote"},
        "remote": {"url": url, "apiKeyEnv": KEY_ENV, "timeoutMs": 30000, **remote},
        "completion": COMPLETION,
    }


async def info(client: LanguageClient) -> dict[str, Any]:
    result: Any = await asyncio.wait_for(client.protocol.send_request_async("ghostline/modelInfo", None), 10)
    return result._asdict() if hasattr(result, "_asdict") else dict(result)


async def wait_state(client: LanguageClient, states: set[str], timeout: float = 60) -> dict[str, Any]:
    for _ in range(int(timeout * 10)):
        got = await info(client)
        if got["state"] in states:
            return got
        await asyncio.sleep(0.1)
    raise TimeoutError(f"model never reached {states}: {got}")


async def inline(client: LanguageClient, uri: str, line: int, character: int) -> str:
    return await inline_completion(client, uri, line, character, invoked=True)
