"""``ghostline eval realfill`` and ``eval repofill``: fill-in lines cut from real code, Ghostline vs raw."""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

TASKS = ("realfill", "repofill", "editfill", "edits", "gate")
"""``ghostline eval TASK`` spellings handled here (the parser is ``eval-TASK``)."""


def rewrite(argv: Sequence[str]) -> list[str]:
    """``eval realfill …`` → ``eval-realfill …`` (and repofill); other command lines unchanged."""
    args = list(argv)
    if len(args) >= 2 and args[0] == "eval" and args[1] in TASKS:
        return [f"eval-{args[1]}", *args[2:]]
    return args


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``eval-realfill`` and ``eval-repofill`` (spelt ``eval realfill`` / ``eval repofill``)."""
    real = sub.add_parser("eval-realfill", help="same as `ghostline eval realfill`: lines of real code")
    real.add_argument("--python", action="append", metavar="PATH", help="Python source folder (repeatable)")
    real.add_argument("--javascript", action="append", metavar="PATH", help="JavaScript source folder")
    real.add_argument("--java", action="append", metavar="PATH", help="Java folder or src.zip[!prefix]")
    real.add_argument("--tabs", type=int, default=2, help="files of the same folder open beside (default 2)")
    _common(real, 30, "tasks per language (default 30)")

    repo = sub.add_parser("eval-repofill", help="same as `ghostline eval repofill`: cross-file lines")
    repo.add_argument("--repo", action="append", metavar="PATH", help="repository folder (repeatable)")
    repo.add_argument(
        "--context",
        default="none,open,workspace",
        help="comma-separated: none (the document), open (+ related files as tabs), workspace (+ index)",
    )
    repo.add_argument("--baseline", choices=("raw",), default=None, help="also the raw model (plain FIM)")
    repo.add_argument(
        "--cut",
        choices=("name", "line"),
        default="name",
        help="name: the line is typed up to the name from another file (default); line: all of it is cut",
    )
    _common(repo, 20, "tasks per repository (default 20)")

    edits = sub.add_parser("eval-editfill", help="same as `ghostline eval editfill`: lines typed after edits")
    edits.add_argument(
        "--repo", action="append", metavar="PATH", help="git repository (repeatable; default: this folder)"
    )
    edits.add_argument("--baseline", choices=("raw",), default=None, help="also the raw model (plain FIM)")
    _common(edits, 30, "tasks per repository (default 30)")


def _common(p: argparse.ArgumentParser, limit: int, what: str) -> None:
    p.add_argument("--model", default=None, help="preset, .gguf path or hf:OWNER/REPO/FILE")
    p.add_argument("--limit", type=int, default=limit, metavar="N", help=what)
    p.add_argument("--seed", type=int, default=0, help="task choice seed (default 0)")
    p.add_argument(
        "--raw-tokens", type=int, default=0, help="raw prompt size (default completion.contextTokens)"
    )
    p.add_argument("--json", action="store_true", help="print the result object as JSON")
    p.add_argument(
        "--out", type=Path, default=None, help="folder for the log and result (default: user cache)"
    )


Job = Callable[..., dict[str, Any]]
"""A benchmark bound to its sources: called with (backend, log, progress), returns the result."""


def run(args: argparse.Namespace) -> int:
    """Run realfill, repofill or editfill and print the table (or JSON)."""
    from ghostline import config
    from ghostline.commands.progress import ProgressBar
    from ghostline.eval import fill
    from ghostline.model import loader
    from ghostline.model.errors import ModelError

    task = args.command.removeprefix("eval-")
    settings = config.Settings()
    model_settings = dataclasses.replace(settings.model, name=args.model or settings.model.name)
    prepared = {"realfill": _realfill, "repofill": _repofill, "editfill": _editfill}[task](args, settings)
    if isinstance(prepared, str):
        print(f"ghostline eval {task}: {prepared}", file=sys.stderr)
        return 2
    job, setup, missing = prepared
    if missing:
        print(f"ghostline eval {task}: not found, left out: {', '.join(missing)}", file=sys.stderr)
    try:
        backend = loader.load(model_settings)
    except ModelError as exc:
        print(f"ghostline eval {task}: {exc}", file=sys.stderr)
        return 1
    facts = backend.facts
    model = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(facts.path or facts.name).name.replace(".gguf", ""))
    out = _out_dir(args.out)
    name = f"{task}-{model}-s{args.seed}"
    raw = args.raw_tokens or settings.completion.context_tokens
    log = fill.Log(out / f"{name}.jsonl", f"{name}{setup}-raw{raw}")
    try:
        with ProgressBar(f"eval {task}", unit="task") as bar:
            result = job(backend, log, bar.update)
    finally:
        backend.close()
    result = {"model": facts.name, "model_file": facts.path, **result, "left_out": missing}
    path = out / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(table(result))
        print(f"log {result['log']}\nresult {path}")
    return 0


Prepared = tuple[Job, str, list[str]] | str
"""(the job, what sets this run apart in the log, sources not found), or why the arguments are wrong."""


def _realfill(args: argparse.Namespace, settings: Any) -> Prepared:
    from ghostline.eval import realfill

    defaults = realfill.default_sources()
    chosen = {lang: getattr(args, lang) or defaults[lang] for lang in realfill.LANGUAGES}
    sources = {lang: [realfill.Source(s) for s in specs] for lang, specs in chosen.items()}
    missing = [s.spec for srcs in sources.values() for s in srcs if not s.exists()]
    sources = {lang: [s for s in srcs if s.exists()] for lang, srcs in sources.items()}

    def job(backend: Any, log: Any, progress: Any) -> dict[str, Any]:
        return realfill.run(
            backend, settings.completion, sources, log, args.seed, args.limit, args.tabs, args.raw_tokens,
            progress,
        )  # fmt: skip

    return job, f"-tabs{args.tabs}", missing


def _repofill(args: argparse.Namespace, settings: Any) -> Prepared:
    from ghostline.eval import repofill

    contexts = [c.strip() for c in args.context.split(",") if c.strip()]
    if bad := [c for c in contexts if c not in repofill.CONTEXTS]:
        return f"unknown --context {bad} (have {repofill.CONTEXTS})"
    variants = contexts + (["raw"] if args.baseline == "raw" else [])
    repos, missing = _folders(args.repo or repofill.default_repos())

    def job(backend: Any, log: Any, progress: Any) -> dict[str, Any]:
        return repofill.run(
            backend, settings.completion, repos, variants, log, args.seed, args.limit, args.raw_tokens,
            progress, args.cut,
        )  # fmt: skip

    return job, f"-cut{args.cut}", missing


def _editfill(args: argparse.Namespace, settings: Any) -> Prepared:
    from ghostline.eval import editfill

    variants = ["none", "edits"] + (["raw"] if args.baseline == "raw" else [])
    repos, missing = _folders(args.repo or ["."])

    def job(backend: Any, log: Any, progress: Any) -> dict[str, Any]:
        return editfill.run(
            backend, settings.completion, repos, variants, log, args.limit, args.raw_tokens, progress
        )

    return job, "", missing


def _folders(paths: Sequence[str]) -> tuple[list[Path], list[str]]:
    """The folders that exist, and the paths that do not."""
    found = [Path(p) for p in paths]
    return [p for p in found if p.is_dir()], [str(p) for p in found if not p.is_dir()]


def _out_dir(out: Path | None) -> Path:
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        return out
    from platformdirs import user_cache_path

    path = user_cache_path("ghostline") / "eval"
    path.mkdir(parents=True, exist_ok=True)
    return path


def table(result: dict[str, Any]) -> str:
    """A markdown table: per group (language or repository), each variant's exact / edit similarity."""
    summary: dict[str, dict[str, Any]] = result["summary"]
    variants = [
        v
        for v in ("ghostline", "none", "open", "workspace", "edits", "raw")
        if any(v in e for e in summary.values())
    ]
    versus = " vs ".join(result.get("versus") or ()) or "–"
    head = ["group", "n", *[f"{v} exact / edit-sim / empty" for v in variants], f"wins / losses ({versus})"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for group, entry in summary.items():
        n = max((entry[v]["n"] for v in variants if v in entry), default=0)
        cells = [_cell(entry.get(v)) for v in variants]
        wins = f"{entry['wins']} / {entry['losses']}" if "wins" in entry else "–"
        lines.append(f"| {group} | {n} | " + " | ".join(cells) + f" | {wins} |")
    return "\n".join(lines)


def _cell(score: dict[str, Any] | None) -> str:
    if not score:
        return "–"
    exact = f"{score['exact']}/{score['n']} ({score['exact_share']:.1%})"
    return f"{exact} / {score['edit_sim']:.3f} / {score['empty_share']:.0%}"
