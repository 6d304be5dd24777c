"""A GGUF base model in transformers (dequantized once, then kept as safetensors in the models folder)."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

from ghostline.model import registry

log = logging.getLogger("ghostline.tune")


def cache_dir(gguf_path: Path) -> Path:
    """Where the dequantized copy of a GGUF file lives (its name, size and mtime make the key)."""
    stat = gguf_path.stat()
    return registry.models_dir() / "hf" / f"{gguf_path.stem}-{stat.st_size}-{int(stat.st_mtime)}"


def load_base(gguf_path: Path, use_cache: bool = True) -> tuple[Any, Any]:
    """(model, tokenizer) in float32; the first load dequantizes the GGUF (slow), later ones are quick."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    cached = cache_dir(gguf_path)
    model: Any
    if use_cache and (cached / "config.json").is_file():
        model = AutoModelForCausalLM.from_pretrained(cached, dtype=torch.float32)
        return model, AutoTokenizer.from_pretrained(cached)
    folder, name = str(gguf_path.parent), gguf_path.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    if hasattr(model.config, "quantization_config"):  # the weights are plain float32 now
        del model.config.quantization_config
    model.hf_quantizer = None
    if use_cache:
        _save(model, tokenizer, cached)
    return model, tokenizer


def _save(model: Any, tokenizer: Any, target: Path) -> None:
    """Write the dequantized model next to the GGUF models; a failed write leaves nothing behind."""
    partial = target.with_name(target.name + ".partial")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        model.save_pretrained(partial)
        tokenizer.save_pretrained(partial)
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
    except OSError as exc:
        log.warning("could not cache the dequantized model in %s: %s", target, exc)
        shutil.rmtree(partial, ignore_errors=True)


def device() -> str:
    """``cuda`` when a GPU is usable, else ``cpu``."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
