"""``ghostline model list|pull|info|path|verify``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from ghostline import config
from ghostline.commands.progress import ProgressBar
from ghostline.model import choice, fetch, registry
from ghostline.model.errors import ModelError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``model`` and its actions."""
    model = sub.add_parser("model", help="list, pull, inspect and verify models")
    actions = model.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="presets and whether they are downloaded")
    for name, text in (
        ("pull", "download a model (sha256-verified)"),
        ("path", "print the model file's path"),
        ("verify", "re-check a downloaded model's size and sha256"),
    ):
        p = actions.add_parser(name, help=text)
        p.add_argument(
            "name",
            nargs="?",
            default=registry.AUTO,
            help="auto (default: what suits this machine), a preset, a .gguf path or hf:OWNER/REPO/FILE",
        )
    info = actions.add_parser("info", help="load a model and print what it is (architecture, FIM mode …)")
    info.add_argument("name", nargs="?", default=registry.AUTO)
    info.add_argument("--adapter", default="", help="a GGUF LoRA adapter to load on top")
    info.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    """Run one model action; ModelErrors become a one-line message and exit 1."""
    if getattr(args, "name", None) == registry.AUTO:
        chosen = choice.decide(config.ModelSettings(name=registry.AUTO))
        print(f"auto: {chosen.name} ({chosen.reason.removeprefix('auto: ')})", file=sys.stderr)
        args.name = chosen.name
    try:
        return {"list": _list, "pull": _pull, "path": _path, "verify": _verify, "info": _info}[args.action](
            args
        )
    except ModelError as exc:
        print(f"ghostline model {args.action}: {exc}", file=sys.stderr)
        return 1


def _list(args: argparse.Namespace) -> int:
    print(f"models folder: {registry.models_dir()}")
    chosen = choice.decide(config.ModelSettings(name=registry.AUTO)).name
    for p in registry.PRESETS.values():
        state = "downloaded" if registry.cached_path(p).is_file() else "not downloaded"
        default = " (auto: chosen here)" if p.name == chosen else ""
        print(f"  {p.name:<20} {p.size / 1e6:7.0f} MB  {state:<15} {p.description}{default}")
    return 0


def _pull(args: argparse.Namespace) -> int:
    resolved = registry.resolve(args.name)
    if resolved.present:
        print(f"{args.name}: already downloaded at {resolved.path}")
        return 0
    with ProgressBar(f"pull {args.name}") as bar:
        path = fetch.pull(resolved, bar.update)
    print(f"{args.name}: {path}")
    return 0


def _path(args: argparse.Namespace) -> int:
    resolved = registry.resolve(args.name)
    if not resolved.present:
        print(f"{args.name}: not downloaded (expected at {resolved.path})", file=sys.stderr)
        return 1
    print(resolved.path)
    return 0


def _verify(args: argparse.Namespace) -> int:
    resolved = registry.resolve(args.name)
    if resolved.preset is None:
        print(f"{args.name}: not a preset; nothing to verify against", file=sys.stderr)
        return 2
    if not resolved.present:
        print(f"{args.name}: not downloaded", file=sys.stderr)
        return 1
    with ProgressBar(f"verify {args.name}") as bar:
        digest = fetch.sha256_of(resolved.path, bar.update)
    if digest != resolved.preset.sha256:
        print(
            f"{args.name}: sha256 MISMATCH ({digest}); delete {resolved.path} and pull again", file=sys.stderr
        )
        return 1
    print(f"{args.name}: OK ({digest})")
    return 0


def _info(args: argparse.Namespace) -> int:
    from ghostline.model import loader

    settings = config.ModelSettings(name=args.name, n_ctx=512, adapter=args.adapter)
    with ProgressBar(f"load {args.name}") as bar:
        backend = loader.load(settings, bar.update)
    facts = backend.facts
    backend.close()
    if args.json:
        data = asdict(facts)
        data["fim_mode"] = facts.fim_mode
        print(json.dumps(data, indent=2))
        return 0
    print(f"name:          {facts.name}\npath:          {facts.path}\narchitecture:  {facts.architecture}")
    print(f"context:       {facts.context_length} tokens (trained)\nfill-in-middle: {facts.fim_mode}")
    print(f"end tokens:    {', '.join(facts.eos_tokens)}\ngpu layers:    {facts.n_gpu_layers}")
    if facts.adapter:
        from ghostline.model.adapter import describe

        print(f"adapter:       {facts.adapter} ({describe(facts.adapter)})")
    return 0
