"""``ghostline check PATH…``: syntax problems from the command line, as text, JSON or SARIF."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from ghostline import __version__

if TYPE_CHECKING:
    from ghostline.engine.check import Finding


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
    writer = {"text": format_text, "json": format_json, "sarif": format_sarif}[args.format]
    sys.stdout.write(writer(findings))
    return 1 if any(f.severity == "error" for f in findings) else 0


def format_text(findings: list[Finding]) -> str:
    """``path:line:col: severity code message`` lines."""
    return "".join(f"{f.path}:{f.line}:{f.column}: {f.severity} {f.code} {f.message}\n" for f in findings)


def format_json(findings: list[Finding]) -> str:
    """A JSON list of finding objects."""
    return json.dumps([asdict(f) for f in findings], indent=2) + "\n"


def format_sarif(findings: list[Finding]) -> str:
    """A SARIF 2.1.0 log for code-scanning uploads."""
    rules = sorted({f.code for f in findings})
    results = [
        {
            "ruleId": f.code,
            "level": "error" if f.severity == "error" else "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": Path(f.path).as_posix()},
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                        },
                    }
                }
            ],
        }
        for f in findings
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ghostline",
                        "version": __version__,
                        "rules": [{"id": r, "shortDescription": {"text": r}} for r in rules],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
