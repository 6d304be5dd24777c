"""``ghostline finetune``: a dataset folder and a base preset → a GGUF LoRA adapter and its loss curves."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ghostline.config import ModelSettings
from ghostline.model import fim as fim_formats
from ghostline.model import loader
from ghostline.model.adapter import identity_of
from ghostline.model.gguf import read_header
from ghostline.tune import curves, export, hf
from ghostline.tune.dataset import read_split
from ghostline.tune.prompts import to_pair, training_settings
from ghostline.tune.train import Encoded, History, Progress, TrainConfig, add_lora, encode, train


@dataclass(frozen=True)
class Outputs:
    """Where a run writes: the adapter and, next to it, its loss curves."""

    adapter: Path

    @property
    def loss_json(self) -> Path:
        """Loss curves and run facts as JSON."""
        return self.adapter.with_name(self.adapter.stem + ".loss.json")

    @property
    def loss_png(self) -> Path:
        """Loss curves as a plot."""
        return self.adapter.with_name(self.adapter.stem + ".loss.png")


def outputs(path: Path) -> Outputs:
    """``ADAPTER.gguf`` as given; a folder (or a name without ``.gguf``) gets ``adapter.gguf`` inside."""
    return Outputs(path if path.suffix == ".gguf" else path / "adapter.gguf")


def finetune(
    base: str,
    data: Path,
    out: Path,
    config: TrainConfig,
    *,
    max_examples: int = 0,
    kinds: str = "",
    progress: Progress | None = None,
) -> tuple[Outputs, History]:
    """Train a LoRA adapter of ``base`` on ``data``'s train split, stopping on its validation split.

    ``kinds`` (comma-separated; ``fim`` stands for every ``fim-*`` kind) keeps those examples only.
    """
    resolved = loader.locate(ModelSettings(name=base))
    header = read_header(str(resolved.path))
    train_rows, validation_rows = (
        of_kinds(read_split(data, split), kinds) for split in ("train", "validation")
    )
    if max_examples:
        train_rows = train_rows[:max_examples]
    if not train_rows or not validation_rows:
        raise ValueError(f"{data}: the train and validation splits both need examples")
    model, tokenizer = hf.load_base(resolved.path)
    model.to(hf.device())
    fim = fim_formats.detect(tokenizer.get_vocab().keys())
    bos = tokenizer.bos_token_id if header.metadata.get("tokenizer.ggml.add_bos_token") else None
    settings = training_settings(config.max_length)

    def encoded(rows: list[dict[str, Any]]) -> list[Encoded]:
        return [encode(tokenizer, to_pair(r, fim, settings), config.max_length, bos) for r in rows]

    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    peft_model = add_lora(model, config)
    history = train(peft_model, encoded(train_rows), encoded(validation_rows), pad, config, progress)
    target = outputs(out)
    target.adapter.parent.mkdir(parents=True, exist_ok=True)
    export.write_adapter(
        target.adapter,
        export.lora_tensors(peft_model),
        alpha=config.alpha,
        base=identity_of(header, base),
        n_head=model.config.num_attention_heads,
        n_head_kv=model.config.num_key_value_heads,
        base_sha256=resolved.preset.sha256 if resolved.preset else "",
    )
    record_for(target.adapter, base, data)
    curves.write_json(history, target.loss_json)
    _annotate(target.loss_json, base, data, config, len(train_rows), len(validation_rows), fim, kinds)
    curves.write_png(history, target.loss_png, f"LoRA on {base}: {data.name} ({len(train_rows)} examples)")
    return target, history


def of_kinds(rows: list[dict[str, Any]], kinds: str) -> list[dict[str, Any]]:
    """The rows whose kind is in ``kinds`` (or starts with a listed word and a dash); all when empty."""
    wanted = tuple(k.strip() for k in kinds.split(",") if k.strip())
    if not wanted:
        return rows
    return [
        r
        for r in rows
        if r.get("kind") in wanted or str(r.get("kind", "")).startswith(tuple(f"{k}-" for k in wanted))
    ]


def _annotate(
    path: Path,
    base: str,
    data: Path,
    config: TrainConfig,
    n_train: int,
    n_validation: int,
    fim: fim_formats.FimFormat | None,
    kinds: str = "",
) -> None:
    """Add what the run was to its loss JSON."""
    record = json.loads(path.read_text(encoding="utf-8"))
    record.update(
        base=base,
        data=str(data),
        config=asdict(config),
        examples={"train": n_train, "validation": n_validation},
        prompt_format=f"fim ({fim.name})" if fim else "prefix-only",
        kinds=kinds or "all",
    )
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def record_for(adapter: Path, base: str, data: Path) -> None:
    """Keep beside the adapter what it learned from (the dataset's definition hashes), to measure drift."""
    from ghostline.model.adapter_record import write_record
    from ghostline.tune.dataset import DEFINITIONS

    try:
        hashes = json.loads((data / DEFINITIONS).read_text(encoding="utf-8"))["definitions"]
        repository = json.loads((data / "summary.json").read_text(encoding="utf-8")).get("repository", "")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return  # a dataset from an older Ghostline: no drift measure for this adapter
    write_record(adapter, base, str(repository), hashes)
