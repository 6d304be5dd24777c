"""``ghostline bench memory``: the server's RSS through keystrokes, open/close cycles, syncs, many files open.

The real ``ghostline serve --no-model`` over stdio; after each phase a request is answered (so every
notification before it was handled) and the server's RSS is read from /proc. A slope near 0 per 1,000
operations means nothing grows without bound.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

SAMPLES = 5


def sample_file(lines: int) -> str:
    """A Python module of about ``lines`` lines with functions, classes and comments."""
    out = []
    for i in range(lines // 6):
        out.append(f"def function_{i}(value, other=None):\n    # step {i}\n    total = value * {i}\n")
        out.append("    if other:\n        total += other\n    return total\n")
    return "".join(out)


def rss_mb(pid: int) -> float:
    """Resident set size of a process in MiB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares MiB per 1,000 operations."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return round(cov / var * 1000, 3) if var else 0.0


async def _phases(operations: int, big_mb: float) -> dict[str, Any]:
    from ghostline.harness.client import HarnessClient

    small = sample_file(3000)
    big = sample_file(int(big_mb * 1e6 / len(sample_file(6)) * 6))
    async with HarnessClient({"diagnostics": {"debounceMs": 0}}, ("--no-model",)) as harness:
        server = harness.client._server
        assert server is not None
        pid = server.pid

        async def settle() -> float:
            await harness.request("ghostline/stats")
            return rss_mb(pid)

        start = await settle()
        result: dict[str, Any] = {"start_mb": round(start, 1)}
        uri = harness.open(Path("/bench/typing.py"), small, "python")
        row = small.count("\n") // 2
        points = []
        for i in range(operations):
            harness.change(uri, i + 2, (row, 0), (row, 0), "x" if i % 2 == 0 else "")
            if (i + 1) % max(operations // SAMPLES, 1) == 0:
                points.append((i + 1, await settle()))
        result["keystrokes"] = _phase(points)
        harness.client.text_document_did_close(_closed(uri))
        result["after_close_mb"] = round(await settle(), 1)
        points = []
        cycles = max(operations // 40, SAMPLES)
        for i in range(cycles):
            uri = harness.open(Path(f"/bench/big_{i % 2}.py"), big, "python")
            harness.client.text_document_did_close(_closed(uri))
            if (i + 1) % max(cycles // SAMPLES, 1) == 0:
                points.append((i + 1, await settle()))
        result["open_close_cycles"] = _phase(points)
        uri = harness.open(Path("/bench/synced.py"), big, "python")
        points = []
        for i in range(cycles):
            harness.client.text_document_did_change(_whole(uri, i + 2, big if i % 2 else big + "\n"))
            if (i + 1) % max(cycles // SAMPLES, 1) == 0:
                points.append((i + 1, await settle()))
        result["full_syncs"] = _phase(points)
        result["big_file_mb"] = round(len(big) / 1e6, 2)
        result["kept_open"] = await _kept_open(harness, settle, max(operations // 10, SAMPLES))
    return result


async def _kept_open(harness: Any, settle: Callable[[], Awaitable[float]], count: int) -> dict[str, Any]:
    """Open ``count`` different 100 kB files and close none: past the tree budget, RSS should level off."""
    points, text = [], sample_file(int(100_000 / len(sample_file(6)) * 6))
    for i in range(count):
        harness.open(Path(f"/bench/kept_{i}.py"), f"# file {i}\n{text}", "python")
        if (i + 1) % max(count // SAMPLES, 1) == 0:
            points.append((i + 1, await settle()))
    documents = (await harness.request("ghostline/stats")).documents
    parsed_mb = round(documents.parsed_bytes / 1e6, 1)
    return {**_phase(points), "resting": documents.resting, "parsed_mb": parsed_mb}


def _phase(points: list[tuple[int, float]]) -> dict[str, Any]:
    return {
        "operations": points[-1][0],
        "rss_mb": [round(y, 1) for _, y in points],
        "slope_mb_per_1000": slope(points),
    }


def _closed(uri: str) -> Any:
    from lsprotocol import types

    return types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))


def _whole(uri: str, version: int, text: str) -> Any:
    from lsprotocol import types

    return types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)],
    )


def run_memory_bench(operations: int, big_mb: float, as_json: bool) -> int:
    """Run the phases and print the figures."""
    if not os.path.isdir("/proc/self"):
        print("ghostline bench memory: needs /proc (Linux)")
        return 1
    result = asyncio.run(_phases(operations, big_mb))
    if as_json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"ghostline bench memory: server RSS, start {result['start_mb']} MiB")
    for phase in ("keystrokes", "open_close_cycles", "full_syncs", "kept_open"):
        figures = result[phase]
        print(
            f"  {phase:<18} {figures['operations']:>6} ops  RSS {figures['rss_mb']} MiB  "
            f"slope {figures['slope_mb_per_1000']} MiB per 1,000"
        )
    print(
        f"  after closing the typed file: {result['after_close_mb']} MiB; big file {result['big_file_mb']} MB"
    )
    return 0
