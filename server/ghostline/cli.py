"""The ``ghostline`` command line: serve, check, demo, bench."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ghostline import __version__, config


def _tcp_address(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}")
    return (host or "127.0.0.1", int(port))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="ghostline", description="Local-first AI coding assistant (LSP).")
    parser.add_argument("--version", action="version", version=f"ghostline {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    serve.add_argument("--tcp", type=_tcp_address, metavar="HOST:PORT", help="listen on TCP instead")

    check = sub.add_parser("check", help="report syntax problems of files and directories")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")

    demo = sub.add_parser("demo", help="open a sample file through a real LSP client and show the results")
    demo.add_argument("file", nargs="?", type=Path, help="file to open (default: the bundled sample)")

    bench = sub.add_parser("bench", help="benchmarks that print numbers")
    bench.add_argument("what", choices=("syntax",))
    bench.add_argument("--lines", type=int, default=5000, help="size of the generated Python file")
    bench.add_argument("--edits", type=int, default=200, help="single-character edits to time")
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")

    sub.add_parser("settings", help="list every setting with its default")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 on usage errors)."""
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        from ghostline.lsp.server import serve

        serve(args.tcp)
        return 0
    if args.command == "check":
        return _check(args.paths, args.format)
    if args.command == "demo":
        from ghostline.lsp.demo import run_demo

        return run_demo(args.file)
    if args.command == "bench":
        from ghostline.bench.syntax import run_syntax_bench

        return run_syntax_bench(args.lines, args.edits, args.json)
    if args.command == "settings":
        for key, default, doc in config.describe():
            print(f"{key} = {default}\n    {doc}")
        return 0
    return 2


def _check(paths: list[Path], fmt: str) -> int:
    from ghostline.engine import check

    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"ghostline check: no such file or directory: {missing[0]}", file=sys.stderr)
        return 2
    findings = [f for path in check.collect(paths) for f in check.check_file(path)]
    writer = {"text": check.format_text, "json": check.format_json, "sarif": check.format_sarif}[fmt]
    sys.stdout.write(writer(findings))
    return 1 if any(f.severity == "error" for f in findings) else 0
