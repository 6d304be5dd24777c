"""``ghostline bench big``: huge documents must not stall the server; a small document is served meanwhile.

The real ``ghostline serve --no-model`` over stdio: a 5 MB one-line Python file and a 100,000-line
JavaScript file are opened and edited while a small document's hover is asked for every 20 ms; the figures
are how long those small requests took, and how long the big documents' own work took.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from lsprotocol import types

from ghostline.bench.stats import percentile

SMALL = "def greet(name):\n    return 'hello ' + name\n"


def one_line_python(mb: float) -> str:
    """A Python file of one huge line (a data literal, as generated code has)."""
    items, size, out = 0, 0, []
    while size < mb * 1e6:
        item = f"{items * 7919 % 100003}, "
        out.append(item)
        size += len(item)
        items += 1
    return "DATA = [" + "".join(out) + "]\n"


def many_functions_js(lines: int) -> str:
    """A JavaScript file of ``lines`` lines of small functions."""
    return "".join(
        f"function f{i}(a, b) {{\n  if (a) {{ return b; }}\n  return a + b;\n}}\n" for i in range(lines // 4)
    )


async def _measure(big_mb: float, js_lines: int) -> dict[str, Any]:
    from ghostline.harness.client import HarnessClient

    async with HarnessClient({"diagnostics": {"debounceMs": 0}}, ("--no-model", "--loop-lag")) as harness:
        small = harness.open(Path("/bench/small.py"), SMALL, "python")
        await harness.wait_diagnostics(small, 1, timeout=60)
        latencies: list[float] = []
        stop = asyncio.Event()

        async def probe() -> None:
            hover = types.HoverParams(types.TextDocumentIdentifier(small), types.Position(0, 5))
            while not stop.is_set():
                t0 = time.perf_counter()
                await harness.client.text_document_hover_async(hover)
                latencies.append((time.perf_counter() - t0) * 1000)
                await asyncio.sleep(0.02)

        prober = asyncio.ensure_future(probe())
        result: dict[str, Any] = {}
        for name, path, text, language in (
            ("one_line_python", Path("/bench/data.py"), one_line_python(big_mb), "python"),
            ("many_functions_js", Path("/bench/big.js"), many_functions_js(js_lines), "javascript"),
        ):
            uri = path.resolve().as_uri()
            frame = await asyncio.to_thread(_did_open_frame, uri, language, text)  # off the client's loop
            await harness.request("ghostline/stats")  # a fresh loop-lag window
            t0 = time.perf_counter()
            assert harness.client.protocol.writer is not None
            harness.client.protocol.writer.write(frame)
            await harness.wait_diagnostics(uri, 1, timeout=600)
            opened = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            harness.change(uri, 2, (0, 0), (0, 0), "# edited\n")
            await harness.wait_diagnostics(uri, 2, timeout=600)
            edited = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            symbols = await harness.client.text_document_document_symbol_async(
                types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
            )
            outlined = (time.perf_counter() - t0) * 1000
            lag = (await harness.request("ghostline/stats")).loop_lag
            result[name] = {
                "mb": round(len(text.encode()) / 1e6, 2),
                "lines": text.count("\n"),
                "open_to_diagnostics_ms": round(opened),
                "edit_to_diagnostics_ms": round(edited),
                "document_symbol_ms": round(outlined),
                "symbols": len(symbols or []),
                "server_loop_lag_ms": {"p95": lag.p95_ms, "max": lag.max_ms},
            }
        stop.set()
        await prober
        result["small_document_hover_ms"] = {
            "requests": len(latencies),
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "max": round(max(latencies), 1),
        }
    return result


def _did_open_frame(uri: str, language: str, text: str) -> bytes:
    message = {
        "jsonrpc": "2.0",
        "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}},
    }
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def run_big_bench(big_mb: float, js_lines: int, as_json: bool) -> int:
    """Run it and print the figures."""
    result = asyncio.run(_measure(big_mb, js_lines))
    if as_json:
        print(json.dumps(result, indent=2))
        return 0
    for name in ("one_line_python", "many_functions_js"):
        r = result[name]
        print(f"{name}: {r['mb']} MB, {r['lines']} lines, {r['symbols']} symbols")
        print(
            f"  open → diagnostics {r['open_to_diagnostics_ms']} ms, edit → {r['edit_to_diagnostics_ms']} ms"
        )
        print(f"  documentSymbol {r['document_symbol_ms']} ms")
        lag = r["server_loop_lag_ms"]
        print(f"  the server's event loop ran late by p95 {lag['p95']} ms, max {lag['max']} ms")
    h = result["small_document_hover_ms"]
    print(f"meanwhile, hover on a small document, as the client timed it ({h['requests']} requests):")
    print(f"  p50 {h['p50']} ms, p95 {h['p95']} ms, max {h['max']} ms")
    return 0
