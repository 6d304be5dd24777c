"""``ghostline demo``: open a sample through a real LSP client and print what a user would see."""

from __future__ import annotations

import asyncio
import difflib
import time
from collections.abc import Sequence
from pathlib import Path

from lsprotocol import types

from ghostline.engine.document import Document, Pos
from ghostline.harness.client import HarnessClient

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


COMPLETION_SAMPLE = (
    "def fahrenheit_to_celsius(degrees):\n"
    '    """Convert a temperature from Fahrenheit to Celsius."""\n'
    "    return "
)


def run_demo(file: Path | None) -> int:
    """Run the demo; exit status 0 when the server answered."""
    return asyncio.run(_demo(file))


async def _demo(file: Path | None) -> int:
    path = file or Path.cwd() / "demo_sample.py"
    text = path.read_text(encoding="utf-8") if file else SAMPLE
    print(f"ghostline demo: starting `ghostline serve` and opening {path.name} through an LSP client\n")
    options: dict[str, object] = {"diagnostics": {"debounceMs": 50}, "completion": {"debounceMs": 0}}
    async with HarnessClient(options) as harness:
        uri = harness.open(path, text, "python" if file is None else "")
        published = await harness.wait_diagnostics(uri, 1)
        _show_diagnostics(path.name, text, published.diagnostics)
        await _show_repair(harness, uri, text, list(published.diagnostics))
        await _show_completion(harness, path.with_name("demo_completion.py"))
        await _show_docstring(harness, path.with_name("demo_docstring.py"))
    return 0


DOCSTRING_SAMPLE = (
    "def moving_average(values, window):\n"
    "    return [sum(values[i:i + window]) / window\n"
    "            for i in range(len(values) - window + 1)]\n"
)


async def _show_docstring(harness: HarnessClient, path: Path) -> None:
    print('\nCode action "Generate docstring" (computed on resolve by the model):')
    uri = harness.open(path, DOCSTRING_SAMPLE, "python")
    await _run_action(harness, uri, DOCSTRING_SAMPLE, types.Position(0, 6), [], "docstring")


async def _show_repair(harness: HarnessClient, uri: str, text: str, found: list[types.Diagnostic]) -> None:
    if not found:
        return
    print('Quick fix "Fix with Ghostline" (verified: it parses and compiles before it is offered):')
    if (await harness.wait_model()).state != "ready":
        print("  (model not available)")
        return
    await _run_action(harness, uri, text, found[0].range.start, found[:1], "Fix with Ghostline")
    print()


async def _run_action(
    harness: HarnessClient,
    uri: str,
    text: str,
    at: types.Position,
    found: list[types.Diagnostic],
    wanted: str,
) -> None:
    """List the actions at ``at``, resolve the one whose title has ``wanted``, print its diff."""
    listed = await harness.client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), types.Range(at, at), types.CodeActionContext(found)
        )
    )
    actions = [a for a in listed or [] if isinstance(a, types.CodeAction) and wanted in a.title]
    if not actions:
        print("  (no action offered: is the model ready?)")
        return
    resolved = await harness.client.code_action_resolve_async(actions[0])
    changes = resolved.edit.document_changes if resolved.edit else None
    change = changes[0] if changes else None
    print(f"  {actions[0].title}")
    if not isinstance(change, types.TextDocumentEdit):
        print("  (no safe edit found)")
        return
    after = apply_lsp_edits(text, [e for e in change.edits if isinstance(e, types.TextEdit)])
    diff = difflib.unified_diff(text.splitlines(), after.splitlines(), "before", "after", lineterm="", n=1)
    for line in list(diff)[2:]:
        color = "\x1b[32m" if line.startswith("+") else "\x1b[31m" if line.startswith("-") else ""
        print(f"    {color}{line}\x1b[0m" if color else f"    {line}")


def apply_lsp_edits(text: str, edits: list[types.TextEdit]) -> str:
    """``text`` after LSP TextEdits (UTF-16 positions)."""
    doc = Document("demo", text)
    spans = [
        (
            doc.offset_at(Pos(e.range.start.line, e.range.start.character)),
            doc.offset_at(Pos(e.range.end.line, e.range.end.character)),
            e.new_text,
        )
        for e in edits
    ]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


async def _show_completion(harness: HarnessClient, path: Path) -> None:
    print("Inline completion (ghost text) with the default model:")
    state = await harness.wait_model()
    if state.state != "ready":
        print(f"  model not available: {state.message}")
        return
    uri = harness.open(path, COMPLETION_SAMPLE, "python")
    line = COMPLETION_SAMPLE.count("\n")
    col = len(COMPLETION_SAMPLE.rsplit("\n", 1)[-1])
    started = time.perf_counter()
    ghost = await harness.inline_completion(uri, line, col, invoked=True) or "(no suggestion)"
    ms = (time.perf_counter() - started) * 1000
    for text_line in COMPLETION_SAMPLE.split("\n")[:-1]:
        print(f"    {text_line}")
    print(
        f"    {COMPLETION_SAMPLE.rsplit(chr(10), 1)[-1]}\x1b[2m{ghost}\x1b[0m   <- ghost text ({ms:.0f} ms)"
    )


def _show_diagnostics(name: str, text: str, diagnostics: Sequence[types.Diagnostic]) -> None:
    lines = text.splitlines()
    if not diagnostics:
        print("No syntax problems found.")
    for d in diagnostics:
        _show(name, lines, d)


def _show(name: str, lines: list[str], d: types.Diagnostic) -> None:
    start, end = d.range.start, d.range.end
    print(f"{name}:{start.line + 1}:{start.character + 1}: error [{d.code}] {d.message}  ({d.source})")
    line = lines[start.line] if start.line < len(lines) else ""
    width = max((end.character - start.character) if end.line == start.line else 1, 1)
    print(f"    {start.line + 1:>4} | {line}")
    print(f"         | {' ' * start.character}{'^' * width}\n")
