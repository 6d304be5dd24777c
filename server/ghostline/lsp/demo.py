"""``ghostline demo``: open a sample through a real LSP client and print what a user would see."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from ghostline.lsp.client import HarnessClient

SAMPLE = '''"""A sample with a mistake, as a user might leave it mid-edit."""


def mean(values):
    """Average of a list of numbers."""
    total = sum(values
    return total / len(values)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle]
'''


def run_demo(file: Path | None) -> int:
    """Run the demo; exit status 0 when the server answered."""
    return asyncio.run(_demo(file))


async def _demo(file: Path | None) -> int:
    path = file or Path.cwd() / "demo_sample.py"
    text = path.read_text(encoding="utf-8") if file else SAMPLE
    print(f"ghostline demo: starting `ghostline serve` and opening {path.name} through an LSP client\n")
    async with HarnessClient({"diagnostics": {"debounceMs": 50}}, ("--no-model",)) as harness:
        uri = harness.open(path, text, "python" if file is None else "")
        published = await harness.wait_diagnostics(uri, 1)
    lines = text.splitlines()
    if not published.diagnostics:
        print("No syntax problems found.")
    for d in published.diagnostics:
        _show(path.name, lines, d)
    return 0


def _show(name: str, lines: list[str], d: types.Diagnostic) -> None:
    start, end = d.range.start, d.range.end
    print(f"{name}:{start.line + 1}:{start.character + 1}: error [{d.code}] {d.message}  ({d.source})")
    line = lines[start.line] if start.line < len(lines) else ""
    width = max((end.character - start.character) if end.line == start.line else 1, 1)
    print(f"    {start.line + 1:>4} | {line}")
    print(f"         | {' ' * start.character}{'^' * width}\n")
