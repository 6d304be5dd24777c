"""``ghostline finetune --base PRESET --data DIR -o ADAPTER``: train a LoRA adapter on a mined dataset."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``finetune``."""
    p = sub.add_parser("finetune", help="train a LoRA adapter (GGUF) on a dataset (needs the [tune] extra)")
    p.add_argument("--base", default="qwen2.5-coder-0.5b", help="model preset or .gguf path to adapt")
    p.add_argument("--data", type=Path, required=True, help="folder written by `ghostline dataset build`")
    p.add_argument(
        "-o", "--output", type=Path, required=True, metavar="ADAPTER", help="ADAPTER.gguf (or a folder)"
    )
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0: all epochs)")
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--max-length", type=int, default=512, help="tokens per example")
    p.add_argument("--lr", type=float, default=3e-4, help="peak learning rate (AdamW)")
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--warmup", type=float, default=0.1, help="share of steps warming up")
    p.add_argument("--schedule", choices=("cosine", "linear"), default="cosine")
    p.add_argument("--rank", type=int, default=8)
    p.add_argument("--alpha", type=int, default=16)
    p.add_argument("--dropout", type=float, default=0.05)
    p.add_argument("--targets", default="q_proj,k_proj,v_proj,o_proj", help="comma-separated module names")
    p.add_argument("--eval-every", type=int, default=20, help="steps between validation losses")
    p.add_argument("--patience", type=int, default=3, help="evaluations without improvement before stopping")
    p.add_argument("--max-examples", type=int, default=0, help="use at most this many training examples")
    p.add_argument(
        "--kinds",
        default="",
        help="train and validate on these example kinds only (comma-separated; fim: all fim-*)",
    )
    p.add_argument("--max-validation", type=int, default=64, help="validation examples per evaluation")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: one per core)")


def run(args: argparse.Namespace) -> int:
    """Train, export and report; 1 with a message when something is missing."""
    from ghostline.commands.progress import ProgressBar
    from ghostline.model.errors import ModelError
    from ghostline.tune.train import TrainConfig

    try:
        from ghostline.tune.finetune import finetune
    except ImportError as exc:  # the [tune] extra is optional
        print(f"ghostline finetune: {exc.name} is missing; pip install 'ghostline[tune]'", file=sys.stderr)
        return 1
    config = TrainConfig(
        rank=args.rank,
        alpha=args.alpha,
        dropout=args.dropout,
        targets=tuple(t.strip() for t in args.targets.split(",") if t.strip()),
        learning_rate=args.lr,
        weight_decay=args.weight_decay,
        warmup=args.warmup,
        schedule=args.schedule,
        epochs=args.epochs,
        max_steps=args.max_steps,
        batch_size=args.batch_size,
        max_length=args.max_length,
        eval_every=args.eval_every,
        patience=args.patience,
        max_validation=args.max_validation,
        seed=args.seed,
        threads=args.threads,
    )
    try:
        with ProgressBar("finetune", unit="step") as bar:
            out, history = finetune(
                args.base,
                args.data,
                args.output,
                config,
                max_examples=args.max_examples,
                kinds=args.kinds,
                progress=bar.update,
            )
    except (ModelError, FileNotFoundError, ValueError) as exc:
        print(f"ghostline finetune: {exc}", file=sys.stderr)
        return 1
    stop = "early stop" if history.stopped_early else "all steps"
    print(
        f"validation loss {history.initial_loss:.4f} -> {history.best_loss:.4f} (best at step "
        f"{history.best_step}, {stop}, {history.seconds:.0f} s on {history.device})"
    )
    print(f"adapter: {out.adapter}\nloss curves: {out.loss_png}, {out.loss_json}")
    return 0
