"""``ghostline complete FILE:LINE:COL`` and ``ghostline stats``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import time
from pathlib import Path

from ghostline import config


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``complete`` and ``stats``."""
    complete = sub.add_parser("complete", help="print the inline suggestion at FILE:LINE:COL (1-based)")
    complete.add_argument("where", metavar="FILE:LINE:COL")
    complete.add_argument(
        "--model",
        default=None,
        help="preset, .gguf path or hf:OWNER/REPO/FILE (with --backend remote: remote.model)",
    )
    complete.add_argument(
        "--backend",
        choices=["llama", "remote", "ctransformers"],
        default=None,
        help="overrides model.backend",
    )
    complete.add_argument(
        "--url", default=None, help="inference server URL (remote.url; implies --backend remote)"
    )
    complete.add_argument(
        "--api-key-env", default=None, help="environment variable holding the key (remote.apiKeyEnv)"
    )
    complete.add_argument("--json", action="store_true", help="print text, range, tokens and latency as JSON")
    sub.add_parser("stats", help="suggestions shown and accepted (kept on this machine)")


def run_stats(args: argparse.Namespace) -> int:
    """Print the saved acceptance counts."""
    from ghostline.engine.completion.acceptance import load, stats_path

    saved = load()
    shown, accepted = saved.get("shown", 0), saved.get("accepted", 0)
    rate = f"{accepted / shown:.0%}" if shown else "n/a"
    print(f"suggestions shown {shown}, accepted {accepted}, rejected {shown - accepted} (acceptance {rate})")
    print(f"characters accepted {saved.get('accepted_chars', 0)}   ({stats_path()})")
    _gate_stats(saved.get("gated", 0))
    return 0


def _gate_stats(gated: int) -> None:
    """What the stay-silent gate did and learned from."""
    from ghostline.engine.completion import gate as gates
    from ghostline.engine.completion.outcomes import OutcomeStore, gate_path

    gate = gates.load(gate_path())
    if gate is None:
        print("stay-silent gate: not trained yet (`ghostline gate train`, or it learns as you work)")
        return
    print(f"stay-silent gate: kept back {gated} suggestions (threshold {gate.threshold:.3f}, "
          f"trained on {gate.trained_on} outcomes)")  # fmt: skip
    counts: dict[str, int] = {}
    for outcome in OutcomeStore().all():
        key = f"{outcome.source}{' kept back' if outcome.gated else ''}: {outcome.kind}"
        counts[key] = counts.get(key, 0) + 1
    for key, n in sorted(counts.items()):
        print(f"  {key} {n}")


def _settings(args: argparse.Namespace) -> config.Settings:
    """Default settings with the command line's overrides."""
    settings = config.Settings()
    backend = args.backend or ("remote" if args.url else settings.model.backend)
    remote = settings.remote
    if backend == "remote":
        remote = dataclasses.replace(
            remote,
            url=args.url or remote.url,
            model=args.model or remote.model,
            api_key_env=args.api_key_env or remote.api_key_env,
        )
    model = dataclasses.replace(
        settings.model,
        backend=backend,
        name=args.model if args.model and backend != "remote" else settings.model.name,
    )
    return dataclasses.replace(settings, model=model, remote=remote)


def run(args: argparse.Namespace) -> int:
    """Complete at a position and print the suggestion."""
    from ghostline.engine.completion.context import ContextBuilder
    from ghostline.engine.completion.generate import generate
    from ghostline.engine.document import Document, Pos
    from ghostline.model import loader
    from ghostline.model.errors import ModelError

    match = re.fullmatch(r"(.+):(\d+):(\d+)", args.where)
    if not match:
        print("ghostline complete: expected FILE:LINE:COL (1-based)", file=sys.stderr)
        return 2
    path, line, col = Path(match[1]), int(match[2]), int(match[3])
    if not path.is_file():
        print(f"ghostline complete: no such file: {path}", file=sys.stderr)
        return 2
    settings = _settings(args)
    try:
        backend = loader.load(settings.model, None, settings.remote)
    except ModelError as exc:
        print(f"ghostline complete: {exc}", file=sys.stderr)
        return 1
    doc = Document(str(path), path.read_text(encoding="utf-8"), encoding="utf-32")
    offset = doc.offset_at(Pos(line - 1, col - 1))
    pos = doc.position_at(offset)
    ctx = ContextBuilder().build(doc, offset, settings.completion, [])
    start = time.perf_counter()
    result = generate(backend, ctx, settings.completion, lambda: False, start + 60)
    latency = (time.perf_counter() - start) * 1000
    backend.close()
    if result.error is not None:
        print(f"ghostline complete: {result.error}", file=sys.stderr)
        return 1
    if not args.json:
        print(result.text)
        return 0
    at = {"line": pos.line + 1, "column": pos.character + 1}
    print(
        json.dumps(
            {
                "text": result.text,
                "range": {"start": at, "end": at},
                "mode": ctx.mode,
                "model": result.model,
                "prompt_tokens": result.stats.prompt_tokens,
                "evaluated_tokens": result.stats.evaluated_tokens,
                "generated_tokens": result.stats.generated_tokens,
                "latency_ms": round(latency, 1),
            },
            indent=2,
        )
    )
    return 0
