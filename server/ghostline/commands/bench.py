"""``ghostline bench syntax|model|latency|memory|big|index``: benchmarks that print numbers."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``bench``."""
    bench = sub.add_parser("bench", help="benchmarks that print numbers (not tests)")
    bench.add_argument("what", choices=("syntax", "model", "latency", "memory", "big", "index"))
    bench.add_argument("--lines", type=int, default=5000, help="syntax: size of the generated Python file")
    bench.add_argument("--edits", type=int, default=200, help="syntax: single-character edits to time")
    bench.add_argument(
        "--models",
        default="smollm2-135m,qwen2.5-coder-0.5b,qwen2.5-coder-1.5b",
        help="model: comma-separated presets or paths",
    )
    bench.add_argument("--prompt-tokens", type=int, default=512, help="model: prompt length")
    bench.add_argument("--gen-tokens", type=int, default=64, help="model: tokens to decode")
    bench.add_argument(
        "--n-gpu-layers", type=int, default=-1, help="model: layers to offload (-1: all if possible)"
    )
    bench.add_argument("--keystrokes", type=int, default=150, help="latency: characters to type")
    bench.add_argument("--pause-ms", type=int, default=80, help="latency: pause between keystrokes")
    bench.add_argument("--model", default="qwen2.5-coder-0.5b", help="latency: the model")
    bench.add_argument(
        "--adapter", default="", help="latency, model: a LoRA adapter (.gguf) applied, and also without"
    )
    bench.add_argument(
        "--load", type=int, default=0, metavar="N", help="latency: N busy processes beside it (CPU loops)"
    )
    bench.add_argument(
        "--operations",
        type=int,
        default=2000,
        help="memory: keystrokes (1 in 40: big-file cycles; 1 in 10: files kept open)",
    )
    bench.add_argument("--big-mb", type=float, default=None, help="memory: the big file (1.4 MB); big: 5 MB")
    bench.add_argument("--js-lines", type=int, default=100_000, help="big: lines of the JavaScript file")
    bench.add_argument("--root", default=None, help="index: the folder to index (default: a synthetic one)")
    bench.add_argument("--synthetic", type=int, default=10_000, help="index: files of the generated folder")
    bench.add_argument("--updates", type=int, default=200, help="index: files re-indexed to time updates")
    bench.add_argument("--no-server", action="store_true", help="index: skip the run through the server")
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")


def run(args: argparse.Namespace) -> int:
    """Run the chosen benchmark."""
    if args.what == "syntax":
        from ghostline.bench.syntax import run_syntax_bench

        return run_syntax_bench(args.lines, args.edits, args.json)
    if args.what == "memory":
        from ghostline.bench.memory import run_memory_bench

        return run_memory_bench(args.operations, args.big_mb or 1.4, args.json)
    if args.what == "big":
        from ghostline.bench.big import run_big_bench

        return run_big_bench(args.big_mb or 5.0, args.js_lines, args.json)
    if args.what == "index":
        from ghostline.bench.index import run_index_bench

        return run_index_bench(args.root, args.synthetic, args.updates, not args.no_server, args.json)
    if args.what == "latency":
        from ghostline.bench.latency import run_latency_bench

        adapter = str(Path(args.adapter).resolve()) if args.adapter else ""
        return run_latency_bench(args.model, args.keystrokes, args.pause_ms, args.json, args.load, adapter)
    from ghostline.bench.model import run_model_bench

    models = [m.strip() for m in args.models.split(",") if m.strip()]
    adapter = str(Path(args.adapter).resolve()) if args.adapter else ""
    return run_model_bench(models, args.prompt_tokens, args.gen_tokens, args.n_gpu_layers, args.json, adapter)
