"""``ghostline eval-repo --data DIR [--adapter A]``: base vs base + adapter on a dataset's held-out files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``eval-repo``."""
    p = sub.add_parser("eval-repo", help="exact match and edit similarity on a dataset's test split")
    p.add_argument("--data", type=Path, required=True, help="folder written by `ghostline dataset build`")
    p.add_argument("--adapter", default="", help="GGUF LoRA adapter to compare with the base model")
    p.add_argument("--model", default="qwen2.5-coder-0.5b", help="base model preset or .gguf path")
    p.add_argument("--limit", type=int, default=50, help="at most this many test examples (0: all)")
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    """Print the side-by-side table (or JSON); 1 with a message on a model or data problem."""
    from ghostline.commands.progress import ProgressBar
    from ghostline.model.errors import ModelError
    from ghostline.tune.evaluate import evaluate_repo, format_table

    try:
        with ProgressBar("eval", unit="example") as bar:
            result = evaluate_repo(args.data, args.model, args.adapter or None, args.limit, bar.update)
    except (ModelError, FileNotFoundError) as exc:
        print(f"ghostline eval-repo: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0
