"""``ghostline dataset build``: a repository → deduplicated JSONL examples split by file, and a summary."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ghostline.engine.workspace.extract import extract
from ghostline.model.adapter_record import name_hash
from ghostline.tune import mine
from ghostline.tune.dedup import Deduplicator
from ghostline.tune.doctests import has_doctests
from ghostline.tune.files import Skipped, SourceFile, walk

SPLITS = ("train", "validation", "test")
DOCTEST_FILES = "doctest_files.jsonl"
"""The held-out (test split) files that may carry doctests, whole: the pass rate merges completions in."""
CHARS_PER_TOKEN = 3.5
Progress = Callable[[int, int, str], None]


def split_of(path: str, seed: int, fractions: tuple[float, float] = (0.8, 0.1)) -> str:
    """The split of a file from a seeded hash of its path: stable as the repository grows."""
    return SPLITS[_bucket(_unit(path, seed), fractions)]


def _unit(path: str, seed: int) -> float:
    digest = hashlib.sha256(f"{seed}:{path}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _bucket(u: float, fractions: tuple[float, float]) -> int:
    train, validation = fractions
    return 0 if u < train else 1 if u < train + validation else 2


def assign_splits(paths: list[str], seed: int, fractions: tuple[float, float]) -> dict[str, str]:
    """Each path's split; with three files or more no split stays empty (the file nearest its range moves)."""
    units = {p: _unit(p, seed) for p in paths}
    split = {p: SPLITS[_bucket(u, fractions)] for p, u in units.items()}
    if len(paths) >= 3:
        for target, key in (("test", lambda p: -units[p]), ("validation", lambda p: abs(units[p] - 0.85))):
            if target not in split.values():
                donors = sorted((p for p in paths if split[p] == "train"), key=key)
                if donors:  # none when every file is held out
                    split[donors[0]] = target
    return split


def _dedup_text(example: dict[str, Any]) -> str:
    if "middle" in example:
        context = "\n".join(example["prefix"].splitlines()[-3:])
        return f"{context}\n{example['middle']}"
    return f"{example['completion']}\n{example['prompt']}"


DEFINITIONS = "definitions.json"
"""Hashes of the names the mined files define (an adapter trained on them measures drift against them)."""


def build(
    repo: Path,
    out: Path,
    *,
    seed: int = 0,
    fractions: tuple[float, float] = (0.8, 0.1),
    per_kind: int = 3,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Mine ``repo`` into ``out`` (split JSONL files, files.json, doctest_files.jsonl, summary.json)."""
    report = progress or (lambda done, total, message: None)
    entries = list(walk(repo))
    skipped = Counter(e.reason for e in entries if isinstance(e, Skipped))
    files_seen = Deduplicator(threshold=0.9)
    sources = []
    for entry in entries:
        if isinstance(entry, SourceFile):
            if files_seen.add(entry.text):
                sources.append(entry)
            else:
                skipped["duplicate"] += 1
    split = assign_splits([s.path for s in sources], seed, fractions)
    examples_seen: dict[str, Deduplicator] = {}  # per kind: a function and its doc pair share their text
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SPLITS}
    leaked = 0
    for done, source in enumerate(sources):
        report(done, len(sources), source.path)
        for example in mine.fim_examples(source, seed, per_kind) + mine.doc_pairs(source):
            if source.secrets.leaks(_shown(example)):  # a last check: mine keeps secret lines out already
                leaked += 1
                continue
            seen = examples_seen.setdefault(example["kind"], Deduplicator(threshold=0.85))
            if seen.add(_dedup_text(example)):
                rows[split[source.path]].append(example)
    report(len(sources), len(sources), "done")
    out.mkdir(parents=True, exist_ok=True)
    for name in SPLITS:
        _write_jsonl(out / f"{name}.jsonl", rows[name])
    held_out = [  # whole files: none with a secret
        s for s in sources if split[s.path] == "test" and not s.secrets and has_doctests(s.language, s.text)
    ]
    _write_jsonl(
        out / DOCTEST_FILES, [{"path": s.path, "language": s.language, "text": s.text} for s in held_out]
    )
    by_split = {name: sorted(p for p in split if split[p] == name) for name in SPLITS}
    (out / "files.json").write_text(json.dumps(by_split, indent=1) + "\n", encoding="utf-8")
    summary = _summary(repo, seed, sources, skipped, rows, files_seen, examples_seen)
    summary["secrets"] = _secrets_summary(sources, leaked)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    hashes = sorted({name_hash(e.name) for s in sources for e in extract(s.path, s.language, s.text)})
    (out / DEFINITIONS).write_text(json.dumps({"definitions": hashes}) + "\n", encoding="utf-8")
    return summary


def _shown(example: dict[str, Any]) -> str:
    """All the text an example shows; a FIM example's parts are one piece of the file, so joined."""
    if "middle" in example:
        return "".join(str(example[k]) for k in ("prefix", "middle", "suffix"))
    return f"{example['prompt']}\n{example['completion']}"


def _secrets_summary(sources: list[SourceFile], leaked: int) -> dict[str, Any]:
    """How many files hold secrets and how many lines of each kind (never a value)."""
    kinds: Counter[str] = Counter()
    for source in sources:
        kinds.update(dict(source.secrets.kinds))
    return {
        "files": sum(1 for s in sources if s.secrets),
        "lines_hidden": sum(len(s.secrets.lines) for s in sources),
        "lines_per_kind": dict(sorted(kinds.items())),
        "examples_dropped": leaked,
    }


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def _summary(
    repo: Path,
    seed: int,
    sources: list[SourceFile],
    skipped: Counter[str],
    rows: dict[str, list[dict[str, Any]]],
    files_seen: Deduplicator,
    examples_seen: dict[str, Deduplicator],
) -> dict[str, Any]:
    def chars(row: dict[str, Any]) -> int:
        return sum(len(row.get(k, "")) for k in ("prefix", "middle", "suffix", "prompt", "completion"))

    counts: dict[str, dict[str, int]] = {}
    for row in (r for name in SPLITS for r in rows[name]):
        per = counts.setdefault(row["language"], {})
        per[row["kind"]] = per.get(row["kind"], 0) + 1
    return {
        "repository": repo.name,
        "seed": seed,
        "files": {"mined": len(sources), "skipped": dict(sorted(skipped.items()))},
        "files_per_language": dict(sorted(Counter(s.language for s in sources).items())),
        "examples": {name: len(rows[name]) for name in SPLITS},
        "examples_per_language_and_kind": dict(sorted(counts.items())),
        "tokens_approx": {
            name: round(sum(chars(r) for r in rows[name]) / CHARS_PER_TOKEN) for name in SPLITS
        },
        "target_tokens_approx": {
            name: round(
                sum(len(r.get("middle", r.get("completion", ""))) for r in rows[name]) / CHARS_PER_TOKEN
            )
            for name in SPLITS
        },
        "duplicates_removed": {
            "files_exact": files_seen.exact_duplicates,
            "files_near": files_seen.near_duplicates,
            "examples_exact": sum(d.exact_duplicates for d in examples_seen.values()),
            "examples_near": sum(d.near_duplicates for d in examples_seen.values()),
        },
    }


def format_summary(summary: dict[str, Any]) -> str:
    """The summary as a few readable lines."""
    ex, tok = summary["examples"], summary["tokens_approx"]
    lines = [
        f"files: {summary['files']['mined']} mined, skipped {summary['files']['skipped'] or 'none'}",
        "examples: " + ", ".join(f"{k} {ex[k]} (~{tok[k]:,} tokens)" for k in SPLITS),
        f"duplicates removed: {summary['duplicates_removed']}",
    ]
    if summary.get("secrets", {}).get("files"):
        found = summary["secrets"]
        kinds = ", ".join(f"{k} {n}" for k, n in found["lines_per_kind"].items())
        lines.append(f"secrets: {found['lines_hidden']} lines of {found['files']} files kept out ({kinds})")
    for language, kinds in summary["examples_per_language_and_kind"].items():
        lines.append(f"  {language:<11} " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    return "\n".join(lines)


def read_split(data: Path, name: str) -> list[dict[str, Any]]:
    """The examples of one split of a dataset folder."""
    path = data / f"{name}.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; run `ghostline dataset build REPO -o {data}` first")
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_doctest_files(data: Path) -> dict[str, str]:
    """Path → text of the held-out files that may carry doctests (none for datasets built before them)."""
    path = data / DOCTEST_FILES
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return {r["path"]: r["text"] for r in rows}
