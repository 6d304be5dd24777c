"""``ghostline eval TASK``: a benchmark through Ghostline's engine (or the raw model), pass@k, reports.

``ghostline eval repo`` scores a fine-tuning dataset's held-out files instead (commands/tune_eval.py).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``eval``."""
    from ghostline.eval.datasets import TASKS

    ev = sub.add_parser("eval", help="score the assistant on a real benchmark (sandboxed, pass@k)")
    ev.add_argument("task", choices=(*TASKS, "repo"), help="a benchmark, or repo: a dataset's held-out files")
    ev.add_argument("--model", default=None, help="preset, .gguf path or hf:OWNER/REPO/FILE")
    ev.add_argument(
        "--limit", type=int, default=None, metavar="N", help="only N problems (seeded choice; repo: first N)"
    )
    ev.add_argument("--data", type=Path, default=None, help="repo only: folder of `ghostline dataset build`")
    ev.add_argument("--adapter", default=None, help="repo only: GGUF LoRA adapter to compare with the base")
    ev.add_argument("--samples", type=int, default=1, metavar="n", help="samples per problem (default 1)")
    ev.add_argument("--temperature", type=float, default=0.0, help="0 decodes greedily (default)")
    ev.add_argument("--k", default="1", help="comma-separated k of pass@k, each ≤ --samples (default 1)")
    ev.add_argument(
        "--data-dir", default=None, help="benchmark folder (default $GHOSTLINE_DATA, ../shared/data)"
    )
    ev.add_argument("--json", action="store_true", help="print the result object as JSON")
    ev.add_argument(
        "--baseline",
        choices=("raw", "raw-line"),
        default=None,
        help="the raw model instead of Ghostline (raw-line: infilling cut at its first line, as in editors)",
    )
    ev.add_argument("--seed", type=int, default=0, help="problem choice and sampling seed (default 0)")
    ev.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for logs and results (default: user cache; repo: not written)",
    )
    ev.add_argument("--timeout", type=float, default=5.0, help="seconds per program (default 5)")


def _out_dir(args: argparse.Namespace) -> Path:
    if args.out is not None:
        return Path(args.out)
    from platformdirs import user_cache_path

    return user_cache_path("ghostline") / "eval"


def run(args: argparse.Namespace) -> int:
    """Run one task and print (or write) its result."""
    if args.task == "repo" or args.data is not None or args.adapter is not None:
        return _run_repo(args)
    return _run_benchmark(args)


def _run_repo(args: argparse.Namespace) -> int:
    from ghostline.commands import tune_eval

    if args.task != "repo":
        flags = " and ".join(
            f for f, v in (("--data", args.data), ("--adapter", args.adapter)) if v is not None
        )
        hint = " (a benchmark's folder is --data-dir)" if args.data is not None else ""
        print(f"ghostline eval: {flags}: only for the repo task, not {args.task}{hint}", file=sys.stderr)
        return 2
    if args.data is None:
        print(
            "ghostline eval repo: --data DIR is required (a `ghostline dataset build` folder)",
            file=sys.stderr,
        )
        return 2
    return tune_eval.run(args)


def _run_benchmark(args: argparse.Namespace) -> int:
    from ghostline import config, sandbox
    from ghostline.eval import datasets, registry, runner, solvers
    from ghostline.model import loader
    from ghostline.model.errors import ModelError

    try:
        ks = tuple(int(k) for k in args.k.split(","))
        problems = runner.select(datasets.load(args.task, args.data_dir), args.limit, args.seed)
    except ValueError as exc:
        print(f"ghostline eval: bad --k {args.k!r}: {exc}", file=sys.stderr)
        return 2
    except datasets.DataMissing as exc:
        print(f"ghostline eval: {exc}", file=sys.stderr)
        return 1
    if why := registry.missing(args.task, args.baseline):
        hint = "" if args.baseline == "raw" else "; try --baseline raw"
        print(f"ghostline eval: {why}{hint}", file=sys.stderr)
        return 2
    settings = config.Settings()
    model_settings = dataclasses.replace(
        settings.model, name=args.model or settings.model.name, seed=args.seed
    )
    options = solvers.SolverOptions(temperature=args.temperature, settings=settings)
    try:
        backend = loader.load(model_settings)
    except ModelError as exc:
        print(f"ghostline eval: {exc}", file=sys.stderr)
        return 1
    solver = registry.make(args.task, args.baseline, backend, options)
    variant = args.baseline or "ghostline"
    spec = runner.RunSpec(args.task, backend.facts.name, variant, args.samples, args.temperature, ks)
    out = _out_dir(args)
    log = out / f"{spec.key}.jsonl"
    limits = sandbox.Limits(timeout_s=args.timeout)
    before = len(runner.read_log(log, spec))
    if not args.json:
        print("sandbox:\n" + "".join(f"  - {line}\n" for line in sandbox.protections(limits)), end="")
    try:
        result = runner.run(spec, problems, solver, log, lambda src: sandbox.run_program(src, limits))
    finally:
        backend.close()
    result["new_samples"] = len(runner.read_log(log, spec)) - before
    result["log"] = str(log)
    result["sandbox"] = sandbox.protections(limits)
    (out / f"{spec.key}.result.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    _print_summary(result, out)
    return 0


def _print_summary(result: dict[str, Any], out: Path) -> None:
    from ghostline.eval import report

    scores = ", ".join(f"{k} {v:.1%}" for k, v in result.items() if k.startswith("pass@"))
    name = f"{result['task']} ({result['variant']}, {result['model']})"
    empty = f"{result['empty']:.1%} empty ({result['empty_answers']} answers)"
    print(f"{name}: {scores}, {empty} on {result['problems']} problems")
    results = report.latest(out)
    (out / "summary.md").write_text(report.markdown_table(results), encoding="utf-8")
    print(report.markdown_table(results), end="")
    try:
        chart = report.bar_chart(results, out / "benchmarks.png")
    except ImportError:
        print("(install the 'eval' extra for the chart: pip install 'ghostline[eval]')")
        return
    print(f"log {result['log']}\ntable {out / 'summary.md'}\nchart {chart}")
