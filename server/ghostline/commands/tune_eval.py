"""``ghostline eval repo --data DIR [--adapter A]`` (alias ``eval-repo``): base vs base + adapter."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

DEFAULT_MODEL = "qwen2.5-coder-0.5b"
DEFAULT_LIMIT = 50


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``eval-repo``, the older spelling of ``eval repo``."""
    p = sub.add_parser("eval-repo", help="same as `ghostline eval repo`")
    p.add_argument("--data", type=Path, required=True, help="folder written by `ghostline dataset build`")
    p.add_argument("--adapter", default="", help="GGUF LoRA adapter to compare with the base model")
    p.add_argument("--model", default=DEFAULT_MODEL, help="base model preset or .gguf path")
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="the first N test examples (0: all)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", type=Path, default=None, help="folder to write the result JSON into")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds per doctest run (default 5)")


def run(args: argparse.Namespace) -> int:
    """Print the side-by-side table (or JSON); 1 with a message on a model or data problem."""
    from ghostline.commands.progress import ProgressBar
    from ghostline.model.errors import ModelError
    from ghostline.sandbox import Limits
    from ghostline.tune.evaluate import evaluate_repo, format_table

    model = args.model or DEFAULT_MODEL
    limit = DEFAULT_LIMIT if args.limit is None else args.limit
    try:
        with ProgressBar("eval repo", unit="example") as bar:
            result = evaluate_repo(
                args.data, model, args.adapter or None, limit, bar.update, Limits(timeout_s=args.timeout)
            )
    except (ModelError, FileNotFoundError) as exc:
        print(f"ghostline eval repo: {exc}", file=sys.stderr)
        return 1
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(model).name)
        path = args.out / f"repo-{name}{'-adapter' if args.adapter else ''}.json"
        path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        result["written"] = str(path)
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    if "written" in result and not args.json:
        print(f"result {result['written']}")
    return 0
