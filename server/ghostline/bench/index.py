"""``ghostline bench index``: the workspace index's scan time, memory, update cost; the server meanwhile.

In this process: a full scan of ``--root`` (or of a generated ``--synthetic N``-file repository), RSS before
and after, re-indexing sample files from disk and from a buffer, searches. Then (unless ``--no-server``) the
real ``ghostline serve --no-model --loop-lag`` on the same folder: while its scan runs, a small document is
edited and its outline asked for every 20 ms (a keystroke's round trip), beside the same probe once idle.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from ghostline.bench.memory import rss_mb
from ghostline.bench.stats import summary
from ghostline.engine.workspace.index import WorkspaceIndex

QUERIES = ("get", "hndlreq", "Config", "x", "parse_value")
TEMPLATES = {
    ".py": 'def {n}(value: int, *, scale: float = 1.0) -> float:\n    """Scale {n}."""\n'
    "    total = value * scale\n    return total\n\n\n",
    ".js": "/** Handle {n}. */\nfunction {n}(request, options) {{\n  const total = request.size;\n"
    "  return total + options.extra;\n}}\n\n",
    ".ts": "/** Compute {n}. */\nexport function {n}(value: number, scale = 1): number {{\n"
    "  const total = value * scale;\n  return total;\n}}\n\n",
    ".go": '// {n} parses a value.\nfunc {n}(value string) (int, error) {{\n\tif value == "" {{\n'
    "\t\treturn 0, nil\n\t}}\n\treturn len(value), nil\n}}\n\n",
    ".java": "    /** Handle {n}. */\n    public int {n}(int value) {{\n        int total = value * 2;\n"
    "        return total;\n    }}\n\n",
}
PER_FILE = 12


def synthetic(root: Path, files: int) -> None:
    """A repository of ``files`` source files (50 a folder, five languages), plus ignored and vendored."""
    kinds = list(TEMPLATES)
    (root / ".gitignore").write_text("generated/\n*.log\n")
    for i in range(files):
        ext = kinds[i % len(kinds)]
        folder = root / f"pkg{i // 500:02d}" / f"mod{i // 50 % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        body = "".join(TEMPLATES[ext].format(n=f"handle_request_{i}_{j}") for j in range(PER_FILE))
        if ext == ".go":
            body = "package mod\n\n" + body
        elif ext == ".java":
            body = f"public class C{i} {{\n{body}}}\n"
        (folder / f"file_{i}{ext}").write_text(body)
    for skipped in ("generated", "node_modules/lib"):
        (root / skipped).mkdir(parents=True, exist_ok=True)
        for i in range(max(files // 20, 1)):
            (root / skipped / f"skip_{i}.js").write_text("function skipped() {}\n")


def in_process(root: Path, updates: int) -> dict[str, Any]:
    """Scan, memory, per-file updates and searches in this process."""
    pid = os.getpid()
    gc.collect()
    before = rss_mb(pid)
    index = WorkspaceIndex()
    t0 = time.perf_counter()
    index.scan([root])
    scan_s = time.perf_counter() - t0
    gc.collect()
    after = rss_mb(pid)
    paths = sorted({e.path for e in index.search("", limit=1_000_000)})
    sample = paths[:: max(len(paths) // max(updates, 1), 1)][:updates]
    disk, buffer = [], []
    for path in sample:
        t0 = time.perf_counter()
        index.update(Path(path))
        disk.append((time.perf_counter() - t0) * 1000)
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        t0 = time.perf_counter()
        index.update(Path(path), text + "\n")
        buffer.append((time.perf_counter() - t0) * 1000)
    cold: list[float] = []
    warm: list[float] = []
    for i, query in enumerate(QUERIES * 4):
        index.update(root / "__bench_new__.py", f"def new_name_{i}():\n    pass\n")  # a new name
        for times in (cold, warm):  # the name table is rebuilt, then reused
            t0 = time.perf_counter()
            index.search(query)
            times.append((time.perf_counter() - t0) * 1000)
    index.remove(root / "__bench_new__.py")
    return {
        "files": index.files,
        "definitions": index.definitions,
        "truncated": index.truncated,
        "scan_s": round(scan_s, 2),
        "files_per_s": round(index.files / scan_s) if scan_s else 0,
        "rss_before_mib": round(before, 1),
        "rss_after_mib": round(after, 1),
        "rss_growth_mib": round(after - before, 1),
        "update_from_disk_ms": summary(disk),
        "update_from_buffer_ms": summary(buffer),
        "search_after_a_new_name_ms": summary(cold),
        "search_ms": summary(warm),
    }


async def in_server(root: Path, idle_probes: int = 100) -> dict[str, Any]:
    """The real server scanning ``root``: a keystroke's round trip and loop lag during the scan and after."""
    from lsprotocol import types

    from ghostline.harness.client import HarnessClient

    harness = HarnessClient({}, ("--no-model", "--loop-lag"))
    harness.capabilities.window = types.WindowClientCapabilities(work_done_progress=True)
    ended = asyncio.Event()

    @harness.client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)  # type: ignore[untyped-decorator]
    def _create(params: Any) -> None:
        return None

    @harness.client.feature(types.PROGRESS)  # type: ignore[untyped-decorator]
    def _progress(params: Any) -> None:
        value = params.value
        kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", "")
        if "index" in str(params.token) and kind == "end":
            ended.set()

    here = os.getcwd()
    os.chdir(root)  # the harness opens the current folder as the workspace
    try:
        t0 = time.perf_counter()
        async with harness:
            server = harness.client._server
            pid = server.pid if server is not None else 0
            start_mib = rss_mb(pid)
            uri = harness.open(root / "__probe__.py", "def probe():\n    pass\n", "python")
            deadline = time.monotonic() + 900
            during = await _probe(
                harness, uri, lambda n: not ended.is_set() and time.monotonic() < deadline, 2
            )
            scan_s = time.perf_counter() - t0
            lag_during = (await harness.request("ghostline/stats")).loop_lag
            after_mib = rss_mb(pid)
            idle = await _probe(harness, uri, lambda n: n < idle_probes, 2 + len(during))
            lag_idle = (await harness.request("ghostline/stats")).loop_lag
    finally:
        os.chdir(here)
    return {
        "scan_seen_by_client_s": round(scan_s, 2),
        "server_rss_start_mib": round(start_mib, 1),
        "server_rss_after_scan_mib": round(after_mib, 1),
        "keystroke_round_trip_during_scan_ms": {"n": len(during), **summary(during)},
        "keystroke_round_trip_idle_ms": {"n": len(idle), **summary(idle)},
        "loop_lag_during_scan_ms": {
            "p50": lag_during.p50_ms,
            "p95": lag_during.p95_ms,
            "max": lag_during.max_ms,
        },
        "loop_lag_idle_ms": {"p50": lag_idle.p50_ms, "p95": lag_idle.p95_ms, "max": lag_idle.max_ms},
    }


async def _probe(harness: Any, uri: str, go_on: Any, version: int) -> list[float]:
    """Type (or delete) one character and ask for the outline (answered after the edit), every 20 ms."""
    from lsprotocol import types

    times: list[float] = []
    while go_on(len(times)):
        t0 = time.perf_counter()
        typed = len(times) % 2 == 0  # type a character, then delete it
        harness.change(uri, version + len(times), (1, 8), (1, 8 if typed else 9), "x" if typed else "")
        await harness.client.text_document_document_symbol_async(
            types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
        )
        times.append((time.perf_counter() - t0) * 1000)
        await asyncio.sleep(0.02)
    return times


def run_index_bench(root: str | None, files: int, updates: int, server: bool, as_json: bool) -> int:
    """Run it and print the figures."""
    if not os.path.isdir("/proc/self"):
        print("ghostline bench index: needs /proc (Linux)")
        return 1
    with tempfile.TemporaryDirectory(prefix="ghostline-index-") as tmp:
        folder = Path(root).resolve() if root else Path(tmp)
        if not root:
            synthetic(folder, files)
        result: dict[str, Any] = {"root": str(folder) if root else f"synthetic: {files:,} files"}
        result["index"] = in_process(folder, updates)
        if server:
            result["server"] = asyncio.run(in_server(folder))
    if as_json:
        print(json.dumps(result, indent=2))
        return 0
    r = result["index"]
    print(f"ghostline bench index: {result['root']}")
    cut = " (truncated at the file limit)" if r["truncated"] else ""
    print(f"  {r['files']:,} files, {r['definitions']:,} definitions{cut}")
    print(f"  scan {r['scan_s']} s ({r['files_per_s']:,} files/s)")
    print(f"  RSS {r['rss_before_mib']} → {r['rss_after_mib']} MiB (+{r['rss_growth_mib']} MiB)")
    for key in ("update_from_disk_ms", "update_from_buffer_ms", "search_after_a_new_name_ms", "search_ms"):
        s = r[key]
        print(f"  {key:<27} p50 {s['p50']:.2f}  p95 {s['p95']:.2f}  max {s['max']:.2f}")
    if server:
        s = result["server"]
        print(
            f"  server: scan {s['scan_seen_by_client_s']} s as the client saw it; RSS "
            f"{s['server_rss_start_mib']} → {s['server_rss_after_scan_mib']} MiB"
        )
        for key in ("keystroke_round_trip_during_scan_ms", "keystroke_round_trip_idle_ms"):
            k = s[key]
            print(f"  {key:<36} n {k['n']:>4}  p50 {k['p50']:.1f}  p95 {k['p95']:.1f}  max {k['max']:.1f}")
        for key in ("loop_lag_during_scan_ms", "loop_lag_idle_ms"):
            k = s[key]
            print(f"  {key:<36}         p50 {k['p50']}  p95 {k['p95']}  max {k['max']}")
    return 0
