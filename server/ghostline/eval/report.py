"""Results of several runs as a markdown table and a PNG bar chart (Ghostline vs raw baselines per task)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def latest(out_dir: Path) -> list[dict[str, Any]]:
    """The result JSON files written into ``out_dir`` (one per run key; the newest wins)."""
    results = []
    for path in sorted(out_dir.glob("*.result.json"), key=lambda p: p.stat().st_mtime):
        try:
            results.append(json.loads(path.read_text(encoding="utf-8")))
        except ValueError:
            continue
    return results


def markdown_table(results: Sequence[dict[str, Any]]) -> str:
    """One row per task and model: pass@1 of Ghostline and of the raw baseline, and the difference.

    Then each side's share of empty answers, and the raw model cut at its first line (``raw-line``, what an
    editor plugin shows) with Ghostline's difference to it.
    """
    rows: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for r in results:
        rows.setdefault((r["task"], r["model"]), {})[r["variant"]] = r
    lines = [
        "| task | model | problems | Ghostline pass@1 | raw pass@1 | Δ (points) | Ghostline empty "
        "| raw empty | raw first line pass@1 | raw first line empty | Δ first line (points) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (task, model), variants in sorted(rows.items()):
        g, raw, line = variants.get("ghostline"), variants.get("raw"), variants.get("raw-line")
        problems = max((v["problems"] for v in variants.values()), default=0)
        cells = [task, model, str(problems), _pct(g), _pct(raw), _delta(g, raw), _pct(g, "empty")]
        cells += [_pct(raw, "empty"), _pct(line), _pct(line, "empty"), _delta(g, line)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _pct(result: dict[str, Any] | None, key: str = "pass@1") -> str:
    return f"{result[key] * 100:.1f}%" if result and key in result else "–"


def _delta(result: dict[str, Any] | None, other: dict[str, Any] | None) -> str:
    if not result or not other or "pass@1" not in result or "pass@1" not in other:
        return "–"
    return f"{(result['pass@1'] - other['pass@1']) * 100:+.1f}"


VARIANTS = {"ghostline": "Ghostline", "raw": "raw model", "raw-line": "raw model, first line"}


def bar_chart(results: Sequence[dict[str, Any]], path: Path) -> Path:
    """A grouped bar chart of pass@1 per task, Ghostline beside raw baselines (needs the ``eval`` extra)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = sorted({r["task"] for r in results})
    fig, ax = plt.subplots(figsize=(max(4.0, 1.6 * len(tasks) + 1), 3.2), dpi=120)
    shown = [v for v in VARIANTS if any(r["variant"] == v for r in results)]
    width = 0.76 / max(len(shown), 1)
    for i, variant in enumerate(shown):
        values = [
            next((r["pass@1"] * 100 for r in results if r["task"] == t and r["variant"] == variant), 0.0)
            for t in tasks
        ]
        xs = [x + (i - (len(shown) - 1) / 2) * width for x in range(len(tasks))]
        bars = ax.bar(xs, values, width, label=VARIANTS[variant])
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks(range(len(tasks)), tasks)
    ax.set_ylabel("pass@1 (%)")
    ax.set_ylim(0, 100)
    models = ", ".join(sorted({Path(r["model"]).name for r in results}))
    ax.set_title(f"pass@1 by task ({models})", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
