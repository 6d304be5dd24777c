"""``ghostline bench model``: prompt/decode speed and first-token latency, against raw llama-cpp-python."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from ghostline.model import fetch, registry
from ghostline.model.llama import LlamaBackend, _import_llama_cpp
from ghostline.model.merge import llama_weights
from ghostline.model.resources import default_threads


def sample_prompt(backend: LlamaBackend, n_tokens: int) -> str:
    """Real code (Ghostline's own sources) cut to about ``n_tokens`` tokens."""
    root = Path(__file__).resolve().parents[1]
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(root.glob("engine/*.py")))
    tokens = backend.tokenize(text)[:n_tokens]
    return backend.detokenize(tokens)


def _raw(path: str, prompt: str, gen_tokens: int, n_gpu_layers: int, adapter: str = "") -> dict[str, float]:
    """The same work through llama-cpp-python's own streaming completion call."""
    llama_cpp = _import_llama_cpp()
    weights, adapted = llama_weights(path, adapter)
    llm = llama_cpp.Llama(
        model_path=weights,
        n_ctx=2048,
        n_gpu_layers=n_gpu_layers,
        n_threads=default_threads(),
        verbose=True,
        seed=0,
        **adapted,
    )
    llm.create_completion("warm up", max_tokens=1, temperature=0.0)
    n_prompt = len(llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True))
    t0 = time.perf_counter()
    first, count = 0.0, 0
    for _ in llm.create_completion(prompt, max_tokens=gen_tokens, temperature=0.0, stream=True):
        count += 1
        first = first or time.perf_counter()
    t2 = time.perf_counter()
    llm.close()
    return {
        "prompt_tok_s": n_prompt / (first - t0),
        "decode_tok_s": max(count - 1, 1) / max(t2 - first, 1e-6),
        "first_token_cold_ms": (first - t0) * 1000,
    }


def bench_one(
    name: str, prompt_tokens: int, gen_tokens: int, n_gpu_layers: int, adapter: str = ""
) -> dict[str, Any]:
    """All figures for one model (with ``adapter``: that LoRA adapter applied, in both calls)."""
    path = str(fetch.pull(registry.resolve(name)))
    t0 = time.perf_counter()
    backend = LlamaBackend(path, name=name, n_ctx=2048, n_gpu_layers=n_gpu_layers, adapter=adapter)
    load_s = time.perf_counter() - t0
    prompt = sample_prompt(backend, prompt_tokens)
    backend.warm("warm up")  # page the weights in, as the raw run below gets them paged in
    cold = backend.generate(prompt, max_tokens=1)
    cold.text()
    warm = backend.generate(prompt + " ", max_tokens=1)
    warm.text()
    decode = backend.generate(prompt, max_tokens=gen_tokens)
    decode.text()
    backend.close()
    d = decode.stats
    decode_s = max(d.total_ms - d.first_token_ms, 1e-6) / 1000
    ours = {
        "prompt_tok_s": cold.stats.prompt_tokens / (cold.stats.first_token_ms / 1000),
        "decode_tok_s": max(d.generated_tokens - 1, 1) / decode_s,
    }
    raw = _raw(path, prompt, gen_tokens, backend.facts.n_gpu_layers, adapter)
    return {
        "model": name + (" + adapter" if adapter else ""),
        "gpu_layers": backend.facts.n_gpu_layers,
        "load_s": round(load_s, 2),
        "prompt_tokens": cold.stats.prompt_tokens,
        "prompt_tok_s": round(ours["prompt_tok_s"], 1),
        "decode_tok_s": round(ours["decode_tok_s"], 1),
        "first_token_cold_ms": round(cold.stats.first_token_ms, 1),
        "first_token_warm_ms": round(warm.stats.first_token_ms, 1),
        "warm_evaluated_tokens": warm.stats.evaluated_tokens,
        "raw_prompt_tok_s": round(raw["prompt_tok_s"], 1),
        "raw_decode_tok_s": round(raw["decode_tok_s"], 1),
        "raw_first_token_cold_ms": round(raw["first_token_cold_ms"], 1),
        "prompt_ratio_vs_raw": round(ours["prompt_tok_s"] / raw["prompt_tok_s"], 3),
        "decode_ratio_vs_raw": round(ours["decode_tok_s"] / raw["decode_tok_s"], 3),
    }


def run_model_bench(
    models: list[str],
    prompt_tokens: int,
    gen_tokens: int,
    n_gpu_layers: int,
    as_json: bool,
    adapter: str = "",
) -> int:
    """Benchmark each model in turn and print a table (or JSON); with ``adapter``, each also with it."""
    runs = [(m, a) for m in models for a in dict.fromkeys(("", adapter))]
    rows = [bench_one(m, prompt_tokens, gen_tokens, n_gpu_layers, a) for m, a in runs]
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"ghostline bench model: {prompt_tokens}-token prompt, {gen_tokens} decoded tokens")
    head = ("model", "pp tok/s", "raw", "dec tok/s", "raw", "1st cold ms", "1st warm ms")
    print(f"{head[0]:<22}" + "".join(f"{h:>12}" for h in head[1:]))
    for r in rows:
        print(
            f"{r['model']:<22}{r['prompt_tok_s']:>10}{r['raw_prompt_tok_s']:>8}{r['decode_tok_s']:>11}"
            f"{r['raw_decode_tok_s']:>8}{r['first_token_cold_ms']:>13}{r['first_token_warm_ms']:>13}"
        )
    return 0
