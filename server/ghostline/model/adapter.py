"""LoRA adapters in llama.cpp's GGUF format: what base they were trained for, checked before loading."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from ghostline.model.errors import ModelError
from ghostline.model.gguf import GGUFInfo, read_header

BASE_KEYS = ("architecture", "block_count", "embedding_length", "vocab_size")
"""What an adapter records of its base (``adapter.lora.base.<key>``) and must match to load."""
PREFIX = "adapter.lora.base."


@dataclass(frozen=True)
class BaseIdentity:
    """The facts of a base model an adapter depends on, plus names for messages."""

    architecture: str
    block_count: int
    embedding_length: int
    vocab_size: int
    name: str = ""
    file: str = ""

    def describe(self) -> str:
        """``name (architecture, N layers, width W, V tokens)``."""
        label = self.name or self.file or "a model"
        return (
            f"{label} ({self.architecture}, {self.block_count} layers, width {self.embedding_length}, "
            f"{self.vocab_size} tokens)"
        )


def identity_of(header: GGUFInfo, name: str = "") -> BaseIdentity:
    """The identity of a base model from its GGUF header."""
    tokens = header.metadata.get("tokenizer.ggml.tokens", 0)
    return BaseIdentity(
        header.architecture,
        header.arch_value("block_count"),
        header.arch_value("embedding_length"),
        int(tokens) if isinstance(tokens, int) else 0,
        name or str(header.metadata.get("general.name", "")),
        os.path.basename(header.path),
    )


def recorded_base(adapter: GGUFInfo) -> BaseIdentity | None:
    """The base an adapter says it was trained for (None when it does not say: adapters from elsewhere)."""
    meta = adapter.metadata
    if f"{PREFIX}architecture" not in meta:
        return None
    return BaseIdentity(
        str(meta[f"{PREFIX}architecture"]),
        int(meta.get(f"{PREFIX}block_count", 0)),
        int(meta.get(f"{PREFIX}embedding_length", 0)),
        int(meta.get(f"{PREFIX}vocab_size", 0)),
        str(meta.get(f"{PREFIX}name", "")),
        str(meta.get(f"{PREFIX}file", "")),
    )


def check_adapter(path: str, base: GGUFInfo, base_name: str = "") -> GGUFInfo:
    """The adapter's header, after checking it is a LoRA adapter made for ``base`` (else ModelError)."""
    if not os.path.isfile(path):
        raise ModelError(f"LoRA adapter not found: {path}", "model/adapter-missing")
    try:
        header = read_header(path)
    except ModelError as exc:
        raise ModelError(f"{path} is not a usable LoRA adapter: {exc}", "model/adapter-invalid") from None
    meta = header.metadata
    if meta.get("general.type") != "adapter" or meta.get("adapter.type") != "lora":
        raise ModelError(
            f"{path} is not a LoRA adapter (general.type={meta.get('general.type')!r}, "
            f"adapter.type={meta.get('adapter.type')!r})",
            "model/adapter-invalid",
        )
    ours = identity_of(base, base_name)
    theirs = recorded_base(header) or dataclasses.replace(
        ours, architecture=header.architecture, name="another model", file=""
    )
    differs = [k for k in BASE_KEYS if getattr(theirs, k) != getattr(ours, k)]
    if differs:
        raise ModelError(
            f"LoRA adapter {os.path.basename(path)} was trained for {theirs.describe()}, but the model is "
            f"{ours.describe()} ({', '.join(differs)} differ). Load it with its own base model, or train "
            f"one for this model with `ghostline finetune --base MODEL`.",
            "model/adapter-mismatch",
        )
    return header


def describe(path: str) -> str:
    """``LoRA for <base>, alpha A`` for ``model info`` ('' when the file cannot be read)."""
    try:
        header = read_header(path)
    except ModelError:
        return ""
    base = recorded_base(header)
    label = (base.name or base.file) if base else header.architecture
    alpha = header.metadata.get("adapter.lora.alpha")
    return f"LoRA for {label}, alpha {alpha:g}" if isinstance(alpha, (int, float)) else f"LoRA for {label}"
