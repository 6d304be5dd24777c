"""The ``ghostline`` command line: serve, check, model, doctor, demo, bench, eval, settings, tuning."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ghostline import __version__, config
from ghostline.commands import (
    action,
    bench,
    check,
    complete,
    dataset,
    doctor,
    evaluate,
    fill_eval,
    finetune,
    learn,
    model,
    nextedit_eval,
    tune_eval,
)


def _tcp_address(value: str) -> tuple[str, int]:
    """``PORT`` or ``HOST:PORT``; the host defaults to 127.0.0.1 (this machine only)."""
    host, _, port = value.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected PORT or HOST:PORT, got {value!r}")
    return (host.strip("[]") or "127.0.0.1", int(port))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="ghostline", description="Local-first AI coding assistant (LSP).")
    parser.add_argument("--version", action="version", version=f"ghostline {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    serve.add_argument(
        "--tcp",
        type=_tcp_address,
        metavar="[HOST:]PORT",
        help="listen on TCP instead (host 127.0.0.1 unless given: local connections only); one client at a "
        "time, each with a fresh session",
    )
    serve.add_argument("--once", action="store_true", help="with --tcp: exit when the first client leaves")
    serve.add_argument(
        "--max-frame-mb", type=int, default=64, metavar="N", help="refuse messages larger than N MiB (64)"
    )
    serve.add_argument(
        "--loop-lag", action="store_true", help="measure how late the event loop runs (in ghostline/stats)"
    )
    serve.add_argument(
        "--model", help="model preset, .gguf path or hf:OWNER/REPO/FILE (overrides model.name)"
    )
    serve.add_argument("--adapter", help="GGUF LoRA adapter (overrides model.adapter)")
    serve.add_argument("--no-model", action="store_true", help="syntax features only; never load a model")

    check.add_parser(sub)
    model.add_parser(sub)
    doctor.add_parser(sub)
    complete.add_parser(sub)
    action.add_parser(sub)
    bench.add_parser(sub)
    evaluate.add_parser(sub)
    dataset.add_parser(sub)
    finetune.add_parser(sub)
    tune_eval.add_parser(sub)
    fill_eval.add_parser(sub)
    nextedit_eval.add_parser(sub)
    learn.add_parser(sub)

    demo = sub.add_parser("demo", help="open a sample file through a real LSP client and show the results")
    demo.add_argument("file", nargs="?", type=Path, help="file to open (default: the bundled sample)")
    sub.add_parser("settings", help="list every setting with its default")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 on usage errors)."""
    args = build_parser().parse_args(fill_eval.rewrite(sys.argv[1:] if argv is None else argv))
    if args.command == "serve":
        from ghostline.lsp.app import serve

        return serve(
            args.tcp,
            model=args.model,
            adapter=args.adapter,
            no_model=args.no_model,
            once=args.once,
            max_frame=max(args.max_frame_mb, 1) << 20,
            loop_lag=args.loop_lag,
        )
    if args.command == "demo":
        from ghostline.harness.demo import run_demo

        return run_demo(args.file)
    if args.command == "settings":
        for key, default, doc in config.describe():
            print(f"{key} = {default}\n    {doc}")
        return 0
    commands = {
        "check": check.run,
        "model": model.run,
        "doctor": doctor.run,
        "bench": bench.run,
        "complete": complete.run,
        "stats": complete.run_stats,
        "action": action.run,
        "eval": evaluate.run,
        "dataset": dataset.run,
        "finetune": finetune.run,
        "eval-repo": tune_eval.run,
        "eval-realfill": fill_eval.run,
        "eval-repofill": fill_eval.run,
        "eval-editfill": fill_eval.run,
        "eval-edits": nextedit_eval.run,
        "eval-gate": learn.run_eval,
        "gate": learn.run_gate,
        "forget": learn.run_forget,
    }
    return commands[args.command](args)
