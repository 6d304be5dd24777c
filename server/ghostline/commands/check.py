"""``ghostline check PATH…``: syntax problems from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``check``."""
    check = sub.add_parser("check", help="report syntax problems of files and directories")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")


def run(args: argparse.Namespace) -> int:
    """Exit 1 when any error was found, 2 when a path does not exist, else 0."""
    from ghostline.engine import check

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"ghostline check: no such file or directory: {missing[0]}", file=sys.stderr)
        return 2
    findings = [f for path in check.collect(args.paths) for f in check.check_file(path)]
    writer = {"text": check.format_text, "json": check.format_json, "sarif": check.format_sarif}[args.format]
    sys.stdout.write(writer(findings))
    return 1 if any(f.severity == "error" for f in findings) else 0
