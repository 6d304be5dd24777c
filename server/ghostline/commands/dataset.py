"""``ghostline dataset build REPO -o DIR``: training examples mined from a repository."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``dataset`` and its ``build`` action."""
    dataset = sub.add_parser("dataset", help="mine a repository into fine-tuning examples")
    actions = dataset.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="FIM and doc/function examples, split by file, as JSONL")
    build.add_argument("repo", type=Path, metavar="REPO")
    build.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    build.add_argument("--seed", type=int, default=0, help="seed of the file split and span draw")
    build.add_argument("--per-kind", type=int, default=3, help="FIM examples of each kind per file")
    build.add_argument("--validation", type=float, default=0.1, help="share of files for validation")
    build.add_argument("--test", type=float, default=0.1, help="share of files for test")


def run(args: argparse.Namespace) -> int:
    """Build the dataset and print its summary; 2 when REPO is not a folder."""
    from ghostline.commands.progress import ProgressBar
    from ghostline.tune import dataset

    if not args.repo.is_dir():
        print(f"ghostline dataset build: not a folder: {args.repo}", file=sys.stderr)
        return 2
    train = 1.0 - args.validation - args.test
    if train <= 0 or args.validation < 0 or args.test < 0:
        print(
            "ghostline dataset build: --validation and --test must leave files for training", file=sys.stderr
        )
        return 2
    with ProgressBar("mine", unit="file") as bar:
        summary = dataset.build(
            args.repo,
            args.output,
            seed=args.seed,
            fractions=(train, args.validation),
            per_kind=args.per_kind,
            progress=bar.update,
        )
    print(dataset.format_summary(summary))
    files = "train/validation/test.jsonl, files.json, doctest_files.jsonl, summary.json"
    print(f"written to {args.output} ({files})")
    return 0
