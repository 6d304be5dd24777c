"""Before/after: exact match and edit similarity on the held-out FIM examples, through the editor's engine."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ghostline.config import CompletionSettings, ModelSettings
from ghostline.engine import completion
from ghostline.model import loader
from ghostline.model.backend import Backend
from ghostline.tune.dataset import read_split
from ghostline.tune.prompts import fim_context

Progress = Callable[[int, int, str], None]
N_CTX = 2048


def edit_similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / the longer length (1.0 for two empty strings)."""
    if not a and not b:
        return 1.0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return 1.0 - previous[-1] / max(len(a), len(b))


def complete(backend: Backend, example: dict[str, Any], settings: CompletionSettings) -> str:
    """The suggestion the editor would show at the example's gap."""
    doc, ctx = fim_context(example, settings)
    start = time.perf_counter()
    return completion.generate(backend, ctx, doc.text, settings, lambda: False, start + 120).text


def score(backend: Backend, rows: list[dict[str, Any]], report: Progress, label: str) -> dict[str, Any]:
    """Exact match and mean edit similarity, overall and per example kind."""
    settings = CompletionSettings()
    per_kind: dict[str, list[tuple[bool, float]]] = {}
    for done, row in enumerate(rows):
        report(done, len(rows), label)
        got, want = complete(backend, row, settings).rstrip(), row["middle"].rstrip()
        per_kind.setdefault(row["kind"], []).append((got == want, edit_similarity(got, want)))
    report(len(rows), len(rows), label)
    every = [r for results in per_kind.values() for r in results]
    return {**_means(every), "per_kind": {k: _means(v) for k, v in sorted(per_kind.items())}}


def _means(results: list[tuple[bool, float]]) -> dict[str, Any]:
    n = len(results)
    return {
        "n": n,
        "exact_match": round(sum(e for e, _ in results) / n, 4) if n else 0.0,
        "edit_similarity": round(sum(s for _, s in results) / n, 4) if n else 0.0,
    }


def evaluate_repo(
    data_dir: Path, base: str, adapter: str | None, limit: int = 50, progress: Progress | None = None
) -> dict[str, Any]:
    """Score ``base`` (and ``base`` + ``adapter``) on up to ``limit`` FIM examples of the test split."""
    rows = [r for r in read_split(data_dir, "test") if "middle" in r][: limit or None]
    report = progress or (lambda done, total, message: None)
    result: dict[str, Any] = {
        "data": str(data_dir),
        "model": base,
        "adapter_file": adapter or "",
        "n": len(rows),
    }
    for label, path in (("base", ""), ("adapter", adapter or "")):
        if label == "adapter" and not path:
            break
        backend = loader.load(ModelSettings(name=base, adapter=path, n_ctx=N_CTX))
        try:
            result[label] = score(backend, rows, report, label)
        finally:
            backend.close()
    return result


def format_table(result: dict[str, Any]) -> str:
    """Base and base + adapter side by side, overall and per kind."""
    has_adapter = "adapter" in result
    head = f"{'kind':<16} {'n':>4}  {'exact (base)':>12}" + ("  exact (+LoRA)" if has_adapter else "")
    head += f"  {'edit sim (base)':>15}" + ("  edit sim (+LoRA)" if has_adapter else "")
    lines = [f"model {result['model']}" + (f" + {result['adapter_file']}" if has_adapter else ""), head]
    kinds = [("all", result["base"]), *result["base"]["per_kind"].items()]
    for kind, base in kinds:
        after = (
            result["adapter"]
            if kind == "all"
            else result["adapter"]["per_kind"][kind]
            if has_adapter
            else None
        )
        row = f"{kind:<16} {base['n']:>4}  {base['exact_match']:>12.1%}"
        row += f"  {after['exact_match']:>14.1%}" if after else ""
        row += f"  {base['edit_similarity']:>15.3f}"
        row += f"  {after['edit_similarity']:>17.3f}" if after else ""
        lines.append(row)
    return "\n".join(lines)
