"""What a LoRA adapter costs: the same work through the base and the adapted weights, interleaved."""

from __future__ import annotations

import contextlib
import io
import random
import statistics
import time
from typing import Any

from ghostline.bench.stats import percentile
from ghostline.model.llama import _import_llama_cpp
from ghostline.model.merge import llama_weights
from ghostline.model.resources import default_threads

ROUNDS = 3
"""Times each prompt is run on each side: more pairs, a narrower interval."""
RESAMPLES = 2000
"""Bootstrap resamples behind the interval of the ratio."""


def equal_work(base: str, adapter: str, work: list[tuple[str, int]], rounds: int = ROUNDS) -> dict[str, Any]:
    """Each (prompt, tokens) through the base and through the adapted weights, side by side.

    Both decode exactly ``tokens`` tokens (every end-of-generation token is forbidden), so the two sides do
    the same work whatever they would have written; the order alternates from call to call, so a change in
    the machine's load falls on both alike. Each side keeps its own prefix cache, as a server would.
    """
    llama_cpp = _import_llama_cpp()
    weights, adapted = llama_weights(base, adapter)
    sides = [_load(llama_cpp, base, {}), _load(llama_cpp, weights, adapted)]
    try:
        bias = no_end_bias(sides[0])
        times: tuple[list[float], list[float]] = ([], [])
        short = 0
        for turn, (prompt, tokens) in enumerate(work * rounds):
            for side in (0, 1) if turn % 2 == 0 else (1, 0):
                ms, written = timed(sides[side], prompt, tokens, bias)
                times[side].append(ms)
                short += written < max(tokens, 1)
    finally:
        for llm in sides:
            llm.close()
    return {**cost_figures(*times), "short_calls": short}


def _load(llama_cpp: Any, weights: str, options: dict[str, str]) -> Any:
    settings = {"n_ctx": 2048, "n_threads": default_threads(), "verbose": False, "seed": 0}
    return llama_cpp.Llama(model_path=weights, **settings, **options)


def no_end_bias(llm: Any) -> dict[int, float]:
    """A logit bias that forbids every end-of-generation token of ``llm``'s vocabulary."""
    llama_cpp = _import_llama_cpp()
    vocab = llm._model.vocab
    return {t: float("-inf") for t in range(llm.n_vocab()) if llama_cpp.llama_vocab_is_eog(vocab, t)}


def timed(llm: Any, prompt: str, tokens: int, bias: dict[int, float]) -> tuple[float, int]:
    """Milliseconds for llama-cpp-python's completion call to write ``tokens`` tokens, and how many it wrote.

    It writes fewer only where the context runs out (``short_calls`` counts them).
    """
    with contextlib.redirect_stderr(io.StringIO()):
        t0 = time.perf_counter()
        out = llm.create_completion(prompt, max_tokens=max(tokens, 1), temperature=0.0, logit_bias=bias)
        ms = (time.perf_counter() - t0) * 1000
    return ms, int(out["usage"]["completion_tokens"])


def cost_figures(base_ms: list[float], adapted_ms: list[float]) -> dict[str, Any]:
    """The adapted side's time over the base side's, with a 95 % bootstrap interval over the pairs."""
    pairs = list(zip(base_ms, adapted_ms, strict=True))
    if not pairs:
        return {"pairs": 0}
    rng = random.Random(0)
    ratios = sorted(_total_ratio(rng.choices(pairs, k=len(pairs))) for _ in range(RESAMPLES))
    return {
        "pairs": len(pairs),
        "base_p50_ms": round(percentile(base_ms, 50), 1),
        "adapted_p50_ms": round(percentile(adapted_ms, 50), 1),
        "total_ratio": round(_total_ratio(pairs), 3),
        "total_ratio_95": [round(ratios[int(q * RESAMPLES)], 3) for q in (0.025, 0.975)],
        "median_pair_ratio": round(statistics.median(a / max(b, 1e-6) for b, a in pairs), 3),
    }


def _total_ratio(pairs: list[tuple[float, float]]) -> float:
    return sum(a for _, a in pairs) / max(sum(b for b, _ in pairs), 1e-6)
