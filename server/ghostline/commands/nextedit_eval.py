"""``ghostline eval edits``: a git history replayed; next edits after a rename, against the commit."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``eval-edits`` (spelt ``eval edits``)."""
    p = sub.add_parser("eval-edits", help="same as `ghostline eval edits`: next edits on a git history")
    p.add_argument(
        "--repo", action="append", metavar="PATH", help="git repository (repeatable; default: this folder)"
    )
    p.add_argument("--commits", type=int, default=400, help="newest commits replayed (default 400)")
    p.add_argument(
        "--engine", choices=("symbolic", "model"), default="symbolic", help="symbolic (default) or model"
    )
    p.add_argument(
        "--model", default=None, help="with --engine model: preset, .gguf path or hf:OWNER/REPO/FILE"
    )
    p.add_argument("--limit", type=int, default=20, help="with --engine model: changes per repository")
    p.add_argument("--json", action="store_true", help="print the result object as JSON")


def run(args: argparse.Namespace) -> int:
    """Replay the histories and print a table (or JSON)."""
    from ghostline.commands.progress import ProgressBar
    from ghostline.eval import nextedits

    repos = [Path(r) for r in args.repo or ["."]]
    if args.engine == "model":
        return _model(args, repos)
    with ProgressBar("eval edits", unit="case") as bar:
        result = nextedits.run(repos, args.commits, bar.update)
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


def _model(args: argparse.Namespace, repos: list[Path]) -> int:
    """The model engine, Ghostline's checks on and off, on the newest changes of each repository."""
    import dataclasses

    from ghostline import config
    from ghostline.commands.progress import ProgressBar
    from ghostline.eval import modeledits
    from ghostline.model import loader
    from ghostline.model.errors import ModelError

    settings = config.Settings().model
    try:
        backend = loader.load(dataclasses.replace(settings, name=args.model or settings.name))
    except ModelError as exc:
        print(f"ghostline eval edits: {exc}")
        return 1
    try:
        with ProgressBar("eval edits (model)", unit="case") as bar:
            result = modeledits.run(backend, repos, args.limit, args.commits, bar.update)
    finally:
        backend.close()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    for variant, s in result["summary"].items():
        print(f"{variant}: {s}")
    return 0


def table(result: dict[str, Any]) -> str:
    """One row per repository: rename cases, edits shown and matched, precision, recall, silence, latency."""
    names = ["repository", "cases", "exact", "shown", "matched", "real", "precision", "recall", "silence"]
    head = "| " + " | ".join([*names, "p50 / p95 ms"]) + " |"
    lines = [head, "|" + "---|" * 10]
    for repo, s in result["repositories"].items():
        cells = [repo, s["cases"], s["exact"], s["shown"], s["matched"], s["real"]]
        cells += [_share(s["precision"]), _share(s["recall"]), _share(s["silence"])]
        cells.append(f"{s['p50_ms']} / {s['p95_ms']}")
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"
