"""Many large documents open at once: their trees stay within a budget, and a resting one comes back."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from ghostline.lsp.trees import TREE_BUDGET_BYTES
from tests.lsp_session import change, diagnostics_for, open_doc, request, start

pytestmark = pytest.mark.asyncio(loop_scope="function")
SIZE = 1_000_000
COUNT = TREE_BUDGET_BYTES // SIZE + 2  # one more than fits, and the one in use


def source(n: int) -> str:
    unit = "def f{n}_{i}(a, b):\n    x = [a + b for _ in range(3)]\n    return {{'k': x, 'n': a * b}}\n\n"
    lines = [unit.format(n=n, i=i) for i in range(SIZE // len(unit) + 1)]
    return "".join(lines)[: SIZE - SIZE % len(lines[0])]


async def documents(client: LanguageClient) -> dict[str, Any]:
    return dict((await request(client, "ghostline/stats"))["documents"]._asdict())


async def parsed(client: LanguageClient, uri: str) -> list[str]:
    """The names of the document's outline (asked for, it is in use)."""
    params = types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
    for _ in range(300):  # a large document woken from rest is parsed in a worker thread: empty meanwhile
        if symbols := await client.text_document_document_symbol_async(params):
            return [s.name for s in symbols]
        await asyncio.sleep(0.05)
    return []


async def test_trees_stay_within_the_budget_and_come_back_when_used(raw_client: LanguageClient) -> None:
    await start(raw_client, "visual_studio_code")
    uris = [f"file:///many/m{n}.py" for n in range(COUNT)]
    for n, uri in enumerate(uris):
        open_doc(raw_client, uri, source(n), "python")
        await diagnostics_for(raw_client, uri, 1)  # parsed (in a worker thread: they are large)
    kept = await documents(raw_client)
    assert kept["open"] == COUNT and kept["resting"] >= 2
    assert 0 < kept["parsed_bytes"] <= TREE_BUDGET_BYTES
    names = await parsed(raw_client, uris[0])  # the oldest, resting: used again, it is parsed again
    assert len(names) > 10_000 and names[:2] == ["f0_0", "f0_1"]
    assert (await documents(raw_client))["parsed_bytes"] <= TREE_BUDGET_BYTES
    last = source(1).count("\n")
    change(raw_client, uris[1], 2, (last, 0), (last, 0), "x = (\n")  # resting too: the change wakes it
    [problem] = await diagnostics_for(raw_client, uris[1], 2)
    assert problem.range.start.line == last and "never closed" in problem.message
    assert (await parsed(raw_client, uris[1]))[:2] == ["f1_0", "f1_1"]


async def test_a_change_right_after_a_large_open_is_in_the_tree(raw_client: LanguageClient) -> None:
    """The change comes before the background parse has started: one parse takes it, not two racing."""
    await start(raw_client, "visual_studio_code")
    uri, text = "file:///many/fresh.py", source(0)
    last = text.count("\n")
    open_doc(raw_client, uri, text, "python")
    change(raw_client, uri, 2, (last, 0), (last, 0), "x = (\n")
    [problem] = await diagnostics_for(raw_client, uri, 2)
    assert problem.range.start.line == last and "never closed" in problem.message
