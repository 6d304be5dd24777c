"""``ghostline bench latency``: replay real typing through the stdio server, against raw llama-cpp-python."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ghostline.bench.adapter import equal_work
from ghostline.bench.stats import percentile
from ghostline.model import fetch, registry
from ghostline.model.llama import _import_llama_cpp
from ghostline.model.merge import llama_weights
from ghostline.model.resources import default_threads

SAMPLE = Path(__file__).resolve().parents[1] / "engine" / "completion" / "cache.py"


def typing_script(path: Path, first_line: int, count: int) -> tuple[str, int, str]:
    """(document with ``count`` characters removed, where they start, the characters to type back)."""
    text = path.read_text(encoding="utf-8")
    start = sum(len(line) for line in text.splitlines(keepends=True)[: first_line - 1])
    start += len(text[start:]) - len(text[start:].lstrip(" "))
    end = text.find("\n", start + count)
    end = len(text) if end < 0 else end
    typed = text[start:end]
    return text[:start] + text[end:], start, typed


async def replay(
    model: str,
    path: Path,
    first_line: int,
    count: int,
    pause_ms: int,
    cold: dict[str, float] | None = None,
    adapters: Sequence[str] = ("",),
) -> list[list[dict[str, Any]]]:
    """Type ``count`` characters one at a time; per server and keystroke: latency, cache hit, tokens, prompt.

    One server per entry of ``adapters`` (a LoRA adapter served with the model, the setting ``model.adapter``;
    '' for none), each typed into and asked in turn, the order rotating, so that they share the machine's
    moments alike. With ``cold``, a fresh file is opened afterwards in the first and the time to its first
    suggestion is put there.
    """
    from ghostline.harness.client import HarnessClient

    text, start, typed = typing_script(path, first_line, count)
    completion = {"prefetch": False, "debounceMs": 0, "adaptiveDebounce": False, "gate": False}  # the engine
    rows: list[list[dict[str, Any]]] = [[] for _ in adapters]
    async with contextlib.AsyncExitStack() as stack:
        harnesses = []
        for adapter in adapters:
            options = {"model": {"name": model, "nCtx": 2048, "adapter": adapter}, "completion": completion}
            harnesses.append(await stack.enter_async_context(HarnessClient(options)))
        for harness in harnesses:
            await harness.wait_model()
        uris = [harness.open(path, text, "python") for harness in harnesses]
        offset = start
        for version, ch in enumerate(typed, start=2):
            before = text[:offset]
            line, col = before.count("\n"), len(before) - (before.rfind("\n") + 1)
            for k in _turns(len(harnesses), version):
                await _idle([h for h in harnesses if h is not harnesses[k]])
                harnesses[k].change(uris[k], version, (line, col), (line, col), ch)
                after = (line + 1, 0) if ch == "\n" else (line, col + 1)
                rows[k].append(await _keystroke(harnesses[k], uris[k], *after))
            text, offset = text[:offset] + ch + text[offset:], offset + 1
            await asyncio.sleep(pause_ms / 1000)
        if cold is not None:
            cold["cold_first_ms"] = await first_suggestion(harnesses[0])
    return rows


async def _idle(harnesses: list[Any], timeout: float = 10) -> None:
    """Wait until none of these servers' models is working (a warm-up, a suggestion finished late).

    A server typed into in turn with another must not share the CPU with the other's leftovers: alone, a
    server's own background work delays only its own next request.
    """
    deadline = time.perf_counter() + timeout
    for harness in harnesses:
        while (await harness.request("ghostline/stats")).model_jobs and time.perf_counter() < deadline:
            await asyncio.sleep(0.005)


def _turns(sides: int, keystroke: int) -> list[int]:
    """The order the servers are asked in at this keystroke: each goes first as often as the others."""
    first = keystroke % sides
    return [*range(first, sides), *range(first)]


async def _keystroke(harness: Any, uri: str, line: int, col: int) -> dict[str, Any]:
    """Ask for a suggestion at the cursor: what showed, how long it took, and what the engine did."""
    stats0 = await harness.request("ghostline/stats")
    t0 = time.perf_counter()
    shown = await harness.inline_completion(uri, line, col)
    latency = (time.perf_counter() - t0) * 1000
    stats = await harness.request("ghostline/stats")
    model_call = stats.model_calls > stats0.model_calls
    return {
        "latency_ms": latency,
        "cache_hit": stats.cache_hits > stats0.cache_hits,
        "model_call": model_call,
        "cut": stats.cut > stats0.cut,
        "engine_ms": stats.last_engine_ms if model_call else 0.0,
        "shown": shown,
        "evaluated": stats.last_evaluated_tokens if model_call else 0,
        "generated": stats.last_generated_tokens if model_call else 0,
        "backend_ms": stats.last_model_ms if model_call else 0.0,
        "prompt": stats.last_prompt if model_call else "",
    }


async def first_suggestion(harness: Any, timeout: float = 60) -> float:
    """Open the demo's sample and ask at its end until a suggestion shows: milliseconds from the open."""
    from ghostline.harness.demo import COMPLETION_SAMPLE

    start = time.perf_counter()
    uri = harness.open(Path("/bench/first_suggestion.py"), COMPLETION_SAMPLE, "python")
    line, col = COMPLETION_SAMPLE.count("\n"), len(COMPLETION_SAMPLE.rsplit("\n", 1)[-1])
    while time.perf_counter() - start < timeout:
        harness.ready.clear()
        if await harness.inline_completion(uri, line, col):
            return (time.perf_counter() - start) * 1000
        try:  # the budget ran out: the server says when the suggestion is ready
            await asyncio.wait_for(harness.ready.wait(), timeout)
        except asyncio.TimeoutError:
            break
    return -1.0


def busy_processes(n: int) -> list[subprocess.Popen[bytes]]:
    """``n`` processes that keep a core busy each (pure CPU loops), as other work on a user's machine."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def raw_latencies(path: str, rows: list[dict[str, Any]], adapter: str = "") -> list[float]:
    """The identical prompts through llama-cpp-python's own completion call (its prefix cache on)."""
    llama_cpp = _import_llama_cpp()
    weights, adapted = llama_weights(path, adapter)
    options = {"n_ctx": 2048, "n_threads": default_threads(), "verbose": True, "seed": 0, **adapted}
    llm = llama_cpp.Llama(model_path=weights, **options)
    out = []
    for row in rows:
        if not row["model_call"]:
            continue
        with contextlib.redirect_stderr(io.StringIO()):
            t0 = time.perf_counter()
            llm.create_completion(row["prompt"], max_tokens=max(row["generated"], 1), temperature=0.0)
            out.append((time.perf_counter() - t0) * 1000)
    llm.close()
    return out


def run_latency_bench(
    model: str, count: int, pause_ms: int, as_json: bool, load: int = 0, adapter: str = ""
) -> int:
    """Replay, then the raw baseline (both beside ``load`` busy processes), then print the figures.

    With ``adapter``, a server with that LoRA adapter and one without are typed into in turn (the figures are
    the adapter's, with the base's under ``base``), the raw call applies it too, and ``equal_work`` holds its
    cost on the same prompts and tokens through both weights (``bench/adapter.py``).
    """
    path = str(fetch.pull(registry.resolve(model)))
    busy = busy_processes(load)
    cold: dict[str, float] = {}
    try:
        adapters = (adapter, "") if adapter else ("",)
        sides = asyncio.run(replay(model, SAMPLE, 40, count, pause_ms, cold, adapters))
        result = {"model": model, "adapter": adapter, "load": load, **figures(sides[0], path, adapter)}
        if adapter:
            result["base"] = figures(sides[1], path, "")
            base_p50 = max(result["base"]["model_p50_ms"], 1e-6)
            result["model_p50_vs_base"] = round(result["model_p50_ms"] / base_p50, 3)
            work = [(r["prompt"], r["generated"]) for side in sides for r in side if r["model_call"]]
            result["equal_work"] = equal_work(path, adapter, work)
    finally:
        for process in busy:
            process.kill()
            process.wait()
    result["cold_first_ms"] = round(cold.get("cold_first_ms", -1.0), 1)
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in _flat(result).items():
            print(f"{key:<32}{value}")
    return 0


def figures(rows: list[dict[str, Any]], path: str, adapter: str) -> dict[str, Any]:
    """One server's replay against the raw call on its own prompts (with its ``adapter``)."""
    raw = raw_latencies(path, rows, adapter)
    all_ms = [r["latency_ms"] for r in rows]
    model_ms = [r["latency_ms"] for r in rows if r["model_call"] and not r["cut"]]
    hit_ms = [r["latency_ms"] for r in rows if r["cache_hit"]]
    calls = [r for r in rows if r["model_call"]]
    per_token = [r["latency_ms"] / max(r["generated"], 1) for r in calls if not r["cut"]]
    evaluated = [r["evaluated"] for r in calls]
    paired = [r["latency_ms"] / max(ms, 1e-6) for r, ms in zip(calls, raw, strict=True) if not r["cut"]]
    engine = [r["engine_ms"] / max(ms, 1e-6) for r, ms in zip(calls, raw, strict=True)]
    return {
        "keystrokes": len(rows),
        "p50_ms": round(percentile(all_ms, 50), 1),
        "p95_ms": round(percentile(all_ms, 95), 1),
        "model_p50_ms": round(percentile(model_ms, 50), 1),
        "model_ms_per_token_p50": round(percentile(per_token, 50), 1),
        "cache_hit_share": round(len(hit_ms) / max(len(rows), 1), 3),
        "cache_hit_ms_p50": round(percentile(hit_ms, 50), 2),
        "median_evaluated_tokens": statistics.median(evaluated) if evaluated else 0,
        "median_generated_tokens": statistics.median(r["generated"] for r in calls) if calls else 0,
        "model_calls": len(calls),
        "backend_p50_ms": round(percentile([r["backend_ms"] for r in calls], 50), 1),
        "raw_p50_ms": round(percentile(raw, 50), 1),
        "p50_ratio": round(percentile(model_ms, 50) / max(percentile(raw, 50), 1e-6), 3),
        "overhead_ratio": round(statistics.median(paired), 3) if paired else 0.0,
        "engine_ratio": round(statistics.median(engine), 3) if engine else 0.0,
        "empty_share": round(sum(1 for r in rows if r["cut"] and not r["shown"]) / max(len(rows), 1), 3),
    }


def _flat(result: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested figures as ``outer.inner`` keys, for the plain-text table."""
    flat: dict[str, Any] = {}
    for key, value in result.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat
