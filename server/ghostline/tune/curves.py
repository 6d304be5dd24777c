"""Loss curves of a fine-tuning run, as JSON and as a PNG plot."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from ghostline.tune.train import History


def write_json(history: History, path: Path) -> None:
    """Every training step and validation point, and the outcome."""
    data = asdict(history)
    data["initial_validation_loss"] = history.initial_loss
    data["train"] = [{"step": s, "loss": loss, "lr": lr} for s, loss, lr in history.train]
    data["validation"] = [{"step": s, "loss": loss} for s, loss in history.validation]
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def write_png(history: History, path: Path, title: str) -> None:
    """Training loss (per step and smoothed) and validation loss against the step."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    if history.train:
        steps = [s for s, _, _ in history.train]
        losses = [loss for _, loss, _ in history.train]
        ax.plot(steps, losses, color="#9bb8d3", linewidth=0.8, label="train (per step)")
        ax.plot(steps, _smooth(losses), color="#1f5f99", linewidth=1.6, label="train (smoothed)")
    if history.validation:
        ax.plot(*zip(*history.validation, strict=True), "o-", color="#d9534f", label="validation")
        ax.axvline(history.best_step, color="#999999", linestyle=":", linewidth=1, label="best")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (per target token)")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _smooth(values: list[float], weight: float = 0.8) -> list[float]:
    out, last = [], values[0]
    for v in values:
        last = weight * last + (1 - weight) * v
        out.append(last)
    return out
