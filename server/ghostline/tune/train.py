"""LoRA fine-tuning: AdamW, warmup then linear or cosine decay, dropout, early stopping on validation loss."""

from __future__ import annotations

import math
import random
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ghostline.tune.prompts import Pair

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of one fine-tuning run."""

    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    targets: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj")
    learning_rate: float = 3e-4
    weight_decay: float = 0.01
    warmup: float = 0.1
    """Fraction of the steps spent warming the learning rate up from 0."""
    schedule: str = "cosine"
    """``cosine`` or ``linear`` decay to 0 after the warmup."""
    epochs: int = 2
    max_steps: int = 0
    """Stop after this many optimizer steps (0: ``epochs`` full passes)."""
    batch_size: int = 4
    max_length: int = 512
    eval_every: int = 20
    patience: int = 3
    """Stop once this many evaluations in a row did not improve the validation loss."""
    max_validation: int = 64
    seed: int = 0
    threads: int = 0
    """CPU threads for torch (0: its default, one per core; 1 is faster on a machine busy with other work)."""


@dataclass
class History:
    """Loss curves and the outcome of a run."""

    train: list[tuple[int, float, float]] = field(default_factory=list)
    """(step, loss, learning rate)."""
    validation: list[tuple[int, float]] = field(default_factory=list)
    best_step: int = 0
    best_loss: float = math.inf
    stopped_early: bool = False
    seconds: float = 0.0
    device: str = "cpu"

    @property
    def initial_loss(self) -> float:
        """Validation loss of the base model, before any step."""
        return self.validation[0][1] if self.validation else math.nan


@dataclass(frozen=True)
class Encoded:
    """Token ids of one example; ``start`` is where the target begins."""

    ids: list[int]
    start: int


def encode(tokenizer: Any, pair: Pair, max_length: int, bos: int | None) -> Encoded:
    """Prompt and target tokenized apart (as at inference), EOS after the target.

    A prompt too long loses tokens after its first: that one opens the layout (``<|fim_prefix|>``,
    ``<|repo_name|>``), and a model trained on prompts without it learns a format the editor never sends.
    """
    prompt = tokenizer(pair.prompt, add_special_tokens=False)["input_ids"]
    target = tokenizer(pair.target, add_special_tokens=False)["input_ids"][: max_length // 2]
    target = [*target, tokenizer.eos_token_id]
    head = [bos] if bos is not None else []
    keep = max(max_length - len(target) - len(head), 2)
    ids = head + (prompt if len(prompt) <= keep else prompt[:1] + prompt[len(prompt) - keep + 1 :])
    return Encoded(ids + target, len(ids))


def lr_factor(step: int, total: int, warmup: int, schedule: str) -> float:
    """Multiplier of the peak learning rate at ``step`` (0-based)."""
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(total - warmup, 1)
    if schedule == "linear":
        return max(0.0, 1.0 - progress)
    return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))


def _batch(items: list[Encoded], pad: int, device: str) -> dict[str, Any]:
    import torch

    width = max(len(e.ids) for e in items)
    ids = torch.full((len(items), width), pad, dtype=torch.long)
    labels = torch.full((len(items), width), -100, dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    for row, e in enumerate(items):
        ids[row, : len(e.ids)] = torch.tensor(e.ids)
        labels[row, e.start : len(e.ids)] = torch.tensor(e.ids[e.start :])
        mask[row, : len(e.ids)] = 1
    return {"input_ids": ids.to(device), "labels": labels.to(device), "attention_mask": mask.to(device)}


def validation_loss(model: Any, items: list[Encoded], pad: int, batch_size: int, device: str) -> float:
    """Mean loss per target token over ``items`` (dropout off)."""
    import torch

    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for at in range(0, len(items), batch_size):
            batch = _batch(items[at : at + batch_size], pad, device)
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            labels = batch["labels"][:, 1:]
            losses = torch.nn.functional.cross_entropy(
                logits[:, :-1].reshape(-1, logits.shape[-1]).float(),
                labels.reshape(-1),
                ignore_index=-100,
                reduction="sum",
            )
            total += float(losses)
            count += int((labels != -100).sum())
    model.train()
    return total / max(count, 1)


def add_lora(model: Any, config: TrainConfig) -> Any:
    """The model wrapped with trainable LoRA matrices on ``config.targets`` (everything else frozen)."""
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(
        r=config.rank,
        lora_alpha=config.alpha,
        lora_dropout=config.dropout,
        target_modules=list(config.targets),
        bias="none",
        task_type="CAUSAL_LM",
    )
    with warnings.catch_warnings():  # peft asks transformers a question it has deprecated
        warnings.simplefilter("ignore", FutureWarning)
        return get_peft_model(model, lora)


def train(
    model: Any,
    train_items: list[Encoded],
    validation_items: list[Encoded],
    pad: int,
    config: TrainConfig,
    progress: Progress | None = None,
) -> History:
    """Train the LoRA parameters of ``model`` in place; the best validation state is restored at the end."""
    import torch

    started = time.perf_counter()
    device = str(next(model.parameters()).device)
    if config.threads:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    order = random.Random(config.seed)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=config.weight_decay)
    per_epoch = max(math.ceil(len(train_items) / config.batch_size), 1)
    total = config.max_steps or per_epoch * config.epochs
    warmup = max(int(total * config.warmup), 1)
    history = History(device=device)
    report = progress or (lambda done, total, message: None)
    best = _record(model, validation_items, pad, config, history, 0, None)
    step, waited = 0, 0
    while step < total and not history.stopped_early:
        shuffled = list(train_items)
        order.shuffle(shuffled)
        for at in range(0, len(shuffled), config.batch_size):
            if step >= total:
                break
            factor = lr_factor(step, total, warmup, config.schedule)
            for group in optimizer.param_groups:
                group["lr"] = config.learning_rate * factor
            loss = model(**_batch(shuffled[at : at + config.batch_size], pad, device)).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            history.train.append((step, float(loss.detach()), config.learning_rate * factor))
            report(step, total, f"loss {history.train[-1][1]:.3f}")
            if step % config.eval_every == 0 or step == total:
                improved = _record(model, validation_items, pad, config, history, step, best)
                best = improved or best
                waited = 0 if improved else waited + 1
                if waited >= config.patience:
                    history.stopped_early = True
                    break
    if best is not None:
        _restore(model, best)
    history.seconds = time.perf_counter() - started
    return history


def _record(
    model: Any,
    items: list[Encoded],
    pad: int,
    config: TrainConfig,
    history: History,
    step: int,
    best: dict[str, Any] | None,
) -> dict[str, Any] | None:
    """Evaluate; a copy of the LoRA weights when this is the best validation loss so far, else None."""
    device = str(next(model.parameters()).device)
    loss = validation_loss(model, items[: config.max_validation], pad, config.batch_size, device)
    history.validation.append((step, loss))
    if loss < history.best_loss:
        history.best_loss, history.best_step = loss, step
        return {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    return None


def _restore(model: Any, state: dict[str, Any]) -> None:
    import torch

    with torch.no_grad():
        for name, param in model.named_parameters():
            if name in state:
                param.copy_(state[name])
