"""Before/after on held-out FIM examples via the editor's engine: exact match, edit sim, doctest pass rate."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ghostline.config import CompletionSettings, ModelSettings
from ghostline.engine.completion.generate import Suggestion, generate
from ghostline.engine.text import edit_similarity
from ghostline.model import loader
from ghostline.model.backend import Backend
from ghostline.sandbox import Limits
from ghostline.tune.dataset import read_doctest_files, read_split
from ghostline.tune.doctests import DoctestChecker
from ghostline.tune.prompts import fim_context

Progress = Callable[[int, int, str], None]
Outcome = tuple[bool, float, bool | None]
"""Exact match, edit similarity, doctests passed (None: the example's file has no usable doctests)."""
N_CTX = 2048


def complete(backend: Backend, example: dict[str, Any], settings: CompletionSettings) -> Suggestion:
    """The suggestion the editor would show at the example's gap."""
    _, ctx = fim_context(example, settings)
    start = time.perf_counter()
    return generate(backend, ctx, settings, lambda: False, start + 120)


def score(
    backend: Backend,
    rows: list[dict[str, Any]],
    report: Progress,
    label: str,
    checker: DoctestChecker | None = None,
) -> dict[str, Any]:
    """Exact match, mean edit similarity and doctest pass rate, overall and per example kind."""
    settings = CompletionSettings()
    per_kind: dict[str, list[Outcome]] = {}
    costs: list[Suggestion] = []
    for done, row in enumerate(rows):
        report(done, len(rows), label)
        suggestion = complete(backend, row, settings)
        costs.append(suggestion)
        got, want = suggestion.text.rstrip(), row["middle"].rstrip()
        passed = checker.passes(row, suggestion.text) if checker else None
        per_kind.setdefault(row["kind"], []).append((got == want, edit_similarity(got, want), passed))
    report(len(rows), len(rows), label)
    every = [r for results in per_kind.values() for r in results]
    per = {k: _means(v) for k, v in sorted(per_kind.items())}
    return {**_means(every), **_costs(costs), "per_kind": per}


def _costs(suggestions: list[Suggestion]) -> dict[str, Any]:
    """What the answers cost: median milliseconds; mean tokens evaluated, generated and characters shown."""
    n = max(len(suggestions), 1)
    return {
        "median_ms": round(statistics.median([s.latency_ms for s in suggestions]), 1) if suggestions else 0.0,
        "mean_evaluated_tokens": round(sum(s.stats.evaluated_tokens for s in suggestions) / n, 1),
        "mean_generated_tokens": round(sum(s.stats.generated_tokens for s in suggestions) / n, 1),
        "mean_chars": round(sum(len(s.text) for s in suggestions) / n, 1),
    }


def _means(results: list[Outcome]) -> dict[str, Any]:
    n = len(results)
    tested = [p for _, _, p in results if p is not None]
    return {
        "n": n,
        "exact_match": round(sum(e for e, _, _ in results) / n, 4) if n else 0.0,
        "edit_similarity": round(sum(s for _, s, _ in results) / n, 4) if n else 0.0,
        "n_with_tests": len(tested),
        "pass_rate": round(sum(tested) / len(tested), 4) if tested else None,
    }


def evaluate_repo(
    data_dir: Path,
    base: str,
    adapter: str | None,
    limit: int = 50,
    progress: Progress | None = None,
    limits: Limits | None = None,
) -> dict[str, Any]:
    """Score ``base`` (and ``base`` + ``adapter``) on the first ``limit`` FIM examples of the test split.

    Doctests run in the benchmarks' sandbox under ``limits``.
    """
    rows = [r for r in read_split(data_dir, "test") if "middle" in r][: limit or None]
    report = progress or (lambda done, total, message: None)
    checker = DoctestChecker(read_doctest_files(data_dir), limits)
    files = sorted({r["path"] for r in rows if r["path"] in checker.files})
    for done, path in enumerate(files):
        report(done, len(files), f"doctests of {path} as written")
        checker.usable(path)
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
            result[label] = score(backend, rows, report, label, checker)
        finally:
            backend.close()
    return result


def format_table(result: dict[str, Any]) -> str:
    """Base and base + adapter side by side, overall and per kind; pass rates where doctests exist."""
    has_adapter = "adapter" in result
    tested = result["base"]["n_with_tests"] > 0
    head = f"{'kind':<16} {'n':>4}  {'exact (base)':>12}" + ("  exact (+LoRA)" if has_adapter else "")
    head += f"  {'edit sim (base)':>15}" + ("  edit sim (+LoRA)" if has_adapter else "")
    if tested:
        head += f"  {'pass (base)':>16}" + (f"  {'pass (+LoRA)':>16}" if has_adapter else "")
    lines = [f"model {result['model']}" + (f" + {result['adapter_file']}" if has_adapter else ""), head]
    kinds = [("all", result["base"]), *result["base"]["per_kind"].items()]
    for kind, base in kinds:
        after = None
        if has_adapter:  # without an adapter only the base columns are printed
            after = result["adapter"] if kind == "all" else result["adapter"]["per_kind"][kind]
        row = f"{kind:<16} {base['n']:>4}  {base['exact_match']:>12.1%}"
        row += f"  {after['exact_match']:>14.1%}" if after else ""
        row += f"  {base['edit_similarity']:>15.3f}"
        row += f"  {after['edit_similarity']:>17.3f}" if after else ""
        if tested:
            row += f"  {_pass(base):>16}" + (f"  {_pass(after):>16}" if after else "")
        lines.append(row)
    if not tested:
        lines.append(
            "pass rate: no examples with tests (held-out Python files whose doctests pass as written)"
        )
    lines += [_cost_line(label, result[label]) for label in ("base", "adapter") if label in result]
    return "\n".join(lines)


def _cost_line(label: str, scores: dict[str, Any]) -> str:
    if "median_ms" not in scores:
        return f"cost ({label}): not measured"
    return (
        f"cost ({label}): median {scores['median_ms']:.0f} ms per example, "
        f"{scores['mean_evaluated_tokens']:.0f} tokens evaluated, "
        f"{scores['mean_generated_tokens']:.1f} generated, "
        f"{scores['mean_chars']:.0f} characters shown (means)"
    )


def _pass(scores: dict[str, Any]) -> str:
    n = scores["n_with_tests"]
    return f"{scores['pass_rate']:.1%} of {n}" if n else "-"
