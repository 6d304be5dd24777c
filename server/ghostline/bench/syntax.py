"""``ghostline bench syntax``: didChange → diagnostics latency, and incremental vs full parse."""

from __future__ import annotations

import asyncio
import json
import random
import tempfile
import time
from pathlib import Path

from ghostline.bench.stats import summary
from ghostline.engine.document import Document, Pos
from ghostline.engine.text import to_bytes


def sample_file(lines: int) -> str:
    """A realistic Python module of about ``lines`` lines: classes, methods, loops and docstrings."""
    out: list[str] = ['"""Generated benchmark module."""\n', "import os\n", "\n"]
    i = 0
    while len(out) < lines:
        out += [
            f"class Thing{i}:\n",
            f'    """Thing number {i}."""\n',
            "\n",
            "    def __init__(self, items):\n",
            "        self.items = list(items)\n",
            "\n",
            "    def total(self, scale=1):\n",
            "        acc = 0\n",
            "        for item in self.items:\n",
            "            if item > 0:\n",
            "                acc += item * scale\n",
            "        return acc\n",
            "\n",
        ]
        i += 1
    return "".join(out[:lines])


def edit_positions(text: str, count: int, seed: int = 7) -> list[tuple[int, int]]:
    """Where to type: ends of ``acc += ...`` lines spread over the file."""
    rows = [i for i, line in enumerate(text.splitlines()) if "acc += item" in line]
    rng = random.Random(seed)
    picked = [rng.choice(rows) for _ in range(count)]
    return [(row, len(text.splitlines()[row])) for row in picked]


def parse_times(text: str, positions: list[tuple[int, int]]) -> dict[str, dict[str, float]]:
    """In-process: one-character edit + incremental reparse, against a full parse of the same text."""
    doc = Document("bench.py", text)
    assert doc.syntax is not None
    incremental, full = [], []
    for row, col in positions:
        col = len(doc.line(row))
        t0 = time.perf_counter()
        doc.apply_change(" ", Pos(row, col), Pos(row, col))
        doc.reparse()
        t1 = time.perf_counter()
        doc.syntax.fresh_parse(to_bytes(doc.text))
        t2 = time.perf_counter()
        incremental.append((t1 - t0) * 1000)
        full.append((t2 - t1) * 1000)
    return {"incremental_ms": summary(incremental), "full_parse_ms": summary(full)}


async def lsp_latency(text: str, positions: list[tuple[int, int]]) -> dict[str, float]:
    """Through the real stdio server: didChange sent → publishDiagnostics for that version received."""
    from ghostline.harness.client import HarnessClient

    latencies: list[float] = []
    lines = text.splitlines()
    widths = {row: len(lines[row]) for row, _ in positions}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.py"
        async with HarnessClient({"diagnostics": {"debounceMs": 0}}, ("--no-model",)) as harness:
            uri = harness.open(path, text, "python")
            await harness.wait_diagnostics(uri, 1, timeout=60)
            for version, (row, _) in enumerate(positions, start=2):
                col = widths[row]
                widths[row] += 1
                t0 = time.perf_counter()
                harness.change(uri, version, (row, col), (row, col), " ")
                await harness.wait_diagnostics(uri, version)
                latencies.append((harness.last_publish_at - t0) * 1000)
    return summary(latencies)


def run_syntax_bench(lines: int, edits: int, as_json: bool) -> int:
    """Run both measurements and print them."""
    text = sample_file(lines)
    positions = edit_positions(text, edits)
    result = {
        "lines": lines,
        "edits": edits,
        "didchange_to_diagnostics_ms": asyncio.run(lsp_latency(text, positions)),
        **parse_times(text, positions),
    }
    inc, full = result["incremental_ms"], result["full_parse_ms"]
    assert isinstance(inc, dict) and isinstance(full, dict)
    result["full_over_incremental_p50"] = round(full["p50"] / max(inc["p50"], 1e-6), 1)
    if as_json:
        print(json.dumps(result, indent=2))
        return 0
    lat = result["didchange_to_diagnostics_ms"]
    assert isinstance(lat, dict)
    print(f"ghostline bench syntax: {lines}-line Python file, {edits} single-character edits (debounce 0 ms)")
    print(f"  didChange → diagnostics   p50 {lat['p50']:.2f} ms   p95 {lat['p95']:.2f} ms")
    print(f"  incremental reparse       p50 {inc['p50']:.2f} ms   p95 {inc['p95']:.2f} ms")
    print(f"  full parse                p50 {full['p50']:.2f} ms   p95 {full['p95']:.2f} ms")
    print(f"  full / incremental (p50)  {result['full_over_incremental_p50']}x")
    return 0
