"""``ghostline gate train``, ``ghostline eval gate`` and ``ghostline forget``: the stay-silent gate's life."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

TRIM_PERCENT = 50
"""The cut ``gate train`` shows and learns suggestions with, unless told otherwise."""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``gate``, ``eval-gate`` (spelt ``eval gate``) and ``forget``."""
    gate = sub.add_parser(
        "gate", help="train the stay-silent gate by typing a repository back (kept locally)"
    )
    gate.add_argument("action", choices=["train", "show"], help="train: replay and train; show: the gate")
    _replay_options(gate, "repository typed back (default: this folder)")
    gate.add_argument(
        "--trim-percent",
        type=int,
        default=TRIM_PERCENT,
        help="suggestions end before a token chosen with less than this probability, in percent "
        f"(default {TRIM_PERCENT}; 0: never); the gate learns from them so cut and applies the cut",
    )
    measure = sub.add_parser(
        "eval-gate", help="same as `ghostline eval gate`: the gate on another repository"
    )
    _replay_options(measure, "repository the gate did not learn from")
    measure.add_argument("--gate", type=Path, help="gate file (default: the trained one)")
    measure.add_argument("--json", action="store_true", help="print the result as JSON")
    sub.add_parser(
        "forget", help="delete everything Ghostline learned on this machine (counts, outcomes, gate)"
    )


def _replay_options(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--repo", type=Path, default=Path("."), help=what)
    p.add_argument("--limit", type=int, default=300, help="places typed at (default 300)")
    p.add_argument("--seed", type=int, default=0, help="which places (default 0)")
    p.add_argument("--model", default=None, help="preset, .gguf path or hf:OWNER/REPO/FILE")
    p.add_argument(
        "--dump", type=Path, help="also write each place's facts and token log-probabilities (JSONL)"
    )


def run_gate(args: argparse.Namespace) -> int:
    """Replay a repository, store its outcomes, train the gate on every stored outcome and save it."""
    from ghostline.engine.completion import gate as gates
    from ghostline.engine.completion.learn import train
    from ghostline.engine.completion.outcomes import OutcomeStore, gate_path
    from ghostline.eval import gatereplay

    if args.action == "show":
        found = gates.load(gate_path())
        print(json.dumps(vars(found), indent=1) if found else f"no gate trained yet ({gate_path()})")
        return 0
    trim = min(max(args.trim_percent, 0), 100)
    replayed = _replay(args, trim)
    if replayed is None:
        return 1
    store = OutcomeStore()
    for place in replayed:
        store.add(place.outcome)
    stored = store.all()
    gate = train(stored, trim)
    if gate is None:
        print(f"too few outcomes to train on yet ({len(stored)} stored); replay more places (--limit)")
        return 1
    gate.save(gate_path())
    print(f"gate trained on {gate.trained_on} outcomes, threshold {gate.threshold:.3f}: {gate_path()}")
    checked = gatereplay.cross_validated(stored, lambda found: train(found, trim))
    if checked is not None:
        print("cross-validated on those outcomes (5 folds):")
        print(table(checked))
    return 0


def run_eval(args: argparse.Namespace) -> int:
    """The gate's effect on a repository's replay: not-taken share and characters taken, with and without."""
    from ghostline.engine.completion import gate as gates
    from ghostline.engine.completion.outcomes import gate_path
    from ghostline.eval import gatereplay

    gate = gates.load(args.gate or gate_path())
    if gate is None:
        print("no gate to measure: run `ghostline gate train --repo PATH` first (or pass --gate)")
        return 1
    replayed = _replay(args, gate.trim_percent)
    if replayed is None:
        return 1
    outcomes = [place.outcome for place in replayed]
    result = gatereplay.effect(outcomes, gate, [place.plain or place.outcome for place in replayed])
    result["repo"], result["places"] = str(args.repo), args.limit
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


def run_forget(args: argparse.Namespace) -> int:
    """Delete the state folder's files: acceptance counts, outcomes, the gate."""
    from ghostline.engine.completion.acceptance import stats_path

    folder = stats_path().parent
    if folder.exists():
        shutil.rmtree(folder)
    print(f"forgot everything learned on this machine ({folder} removed)")
    return 0


def _replay(args: argparse.Namespace, trim_percent: int) -> list[Any] | None:
    """The repository's places typed back (None when the model does not load)."""
    import dataclasses

    from ghostline import config
    from ghostline.commands.progress import ProgressBar
    from ghostline.eval import gatereplay
    from ghostline.model import loader
    from ghostline.model.errors import ModelError

    settings = config.Settings()
    try:
        backend = loader.load(dataclasses.replace(settings.model, name=args.model or settings.model.name))
    except ModelError as exc:
        print(f"ghostline: {exc}")
        return None
    try:
        found = gatereplay.tasks(args.repo.resolve(), args.limit, args.seed)
        with ProgressBar("replay", unit="place") as bar:
            cuts = gatereplay.STUDY_CUTS if args.dump is not None else ()
            places = gatereplay.replay(backend, found, settings.completion, bar.update, trim_percent, cuts)
    finally:
        backend.close()
    if args.dump is not None:
        args.dump.write_text("".join(json.dumps(p.study) + "\n" for p in places), encoding="utf-8")
    return places


def table(result: dict[str, Any]) -> str:
    """Uncut (when measured), without and with the gate: shown, taken, not-taken share, characters taken."""
    trim = result.get("trim_percent", 0)
    rows = [("uncut", "whole suggestions, no gate")] if "uncut" in result else []
    cut = f", cut at {trim} %" if trim else ""
    rows += [("without", f"without the gate{cut}"), ("with", f"with the gate{cut}")]
    lines = ["| | shown | taken | not taken | characters taken |", "|---|---|---|---|---|"]
    for name, label in rows:
        c = result[name]
        share = "n/a" if c["not_taken_share"] is None else f"{c['not_taken_share']:.1%}"
        lines.append(f"| {label} | {c['shown']} | {c['taken']} | {share} | {c['chars_taken']} |")
    return "\n".join(lines)
