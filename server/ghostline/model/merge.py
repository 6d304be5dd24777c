"""A LoRA adapter folded into its base model's weights: the adapter's answers at the base model's speed."""

from __future__ import annotations

import glob
import hashlib
import logging
import os
from pathlib import Path
from typing import Any

from ghostline.model import registry

log = logging.getLogger(__name__)
KEPT_TYPES = ("F32", "F16", "BF16", "Q8_0")
"""Weight types a merged weight keeps: coarser ones would round the small change the adapter makes away."""
MERGED_TYPE = "Q8_0"
"""The type of every other merged weight (Q4 steps are wider than what a LoRA adds to a weight)."""
KEEP_MERGES = 3
"""Merged models kept in the cache (the least recently used go first): each is the size of its model."""


def llama_weights(base: str, adapter: str, merge: bool = True) -> tuple[str, dict[str, str]]:
    """The file llama.cpp loads for ``base`` with ``adapter``, and the options that go with it.

    Merged when it can be (``merge``), else the adapter applied at run time (``lora_path``).
    """
    if not adapter:
        return base, {}
    merged = merged_model(base, adapter) if merge else None
    return (merged, {}) if merged else (base, {"lora_path": adapter})


def merged_path(base: str, adapter: str) -> Path:
    """Where the merge of ``adapter`` into ``base`` is cached (one file per pair of paths)."""
    where = hashlib.sha256(f"{os.path.abspath(base)}\0{os.path.abspath(adapter)}".encode()).hexdigest()[:12]
    what = hashlib.sha256()
    for path in (base, adapter):
        stat = os.stat(path)
        what.update(f"{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    name = f"{Path(base).stem}+{Path(adapter).stem}-{where}-{what.hexdigest()[:12]}.gguf"
    return merged_dir() / name


def merged_dir() -> Path:
    """Where merged models are cached: ``$GHOSTLINE_MERGED_DIR``, or ``merged`` in the models folder."""
    override = os.environ.get("GHOSTLINE_MERGED_DIR")
    return Path(override) if override else registry.models_dir() / "merged"


def merged_model(base: str, adapter: str) -> str | None:
    """The path of ``base`` with ``adapter`` merged in, made once and cached; None when it cannot be made.

    llama.cpp applies an adapter at run time as extra matrix products in every layer (prompt evaluation
    23 % slower with a rank-8 adapter on the 0.5B model, docs/benchmarks.md); merged, the model runs as fast
    as its base. Merging needs the ``gguf`` package (``ghostline[tune]``, which training needed too).
    """
    target = merged_path(base, adapter)
    if target.is_file():
        os.utime(target)
        return str(target)
    try:
        import gguf  # noqa: F401
    except ImportError:
        log.info("adapter applied at run time: merging it needs the gguf package (ghostline[tune])")
        return None
    try:
        write_merged(base, adapter, target)
    except (OSError, ValueError, KeyError, NotImplementedError) as exc:
        log.warning("adapter applied at run time: merging it into the model failed: %s", exc)
        return None
    _prune(target)
    log.info("adapter merged into %s", target)
    return str(target)


def _prune(target: Path) -> None:
    """Remove earlier merges of the same pair of paths, and all but the ``KEEP_MERGES`` most recently used."""
    pair = target.name.rsplit("-", 1)[0]
    for old in target.parent.glob(f"{glob.escape(pair)}-*.gguf"):
        if old != target:
            old.unlink(missing_ok=True)
    merges = sorted(target.parent.glob("*.gguf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in merges[KEEP_MERGES:]:
        if old != target:
            old.unlink(missing_ok=True)


def write_merged(base: str, adapter: str, target: Path) -> None:
    """Write ``base`` with each adapted weight W replaced by W + alpha / rank · B·A (atomically)."""
    import gguf

    reader, lora = gguf.GGUFReader(base), gguf.GGUFReader(adapter)
    pairs = _pairs(lora)
    alpha = float(lora.fields[gguf.Keys.Adapter.LORA_ALPHA].contents())
    missing = set(pairs) - {t.name for t in reader.tensors}
    if missing:
        raise ValueError(f"{adapter} adapts weights that {base} does not have ({', '.join(sorted(missing))})")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        writer = gguf.GGUFWriter(str(partial), arch=_text(reader, gguf.Keys.General.ARCHITECTURE))
        _copy_metadata(reader, writer)
        tensors = [(t.name, _weights(t, pairs.get(t.name), alpha)) for t in reader.tensors]
        for name, (data, kind) in tensors:
            writer.add_tensor_info(name, data.shape, data.dtype, data.nbytes, kind)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        for _, (data, _) in tensors:
            writer.write_tensor_data(data, tensor_endianess=reader.endianess)
        writer.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _pairs(lora: Any) -> dict[str, tuple[Any, Any]]:
    """The adapter's (A, B) float32 matrices by the name of the weight they adapt."""
    tensors = {t.name: t for t in lora.tensors}
    pairs = {}
    for name in tensors:
        if name.endswith(".lora_a"):
            weight = name[: -len(".lora_a")]
            pairs[weight] = (_floats(tensors[name]), _floats(tensors[f"{weight}.lora_b"]))
    return pairs


def _weights(tensor: Any, pair: tuple[Any, Any] | None, alpha: float) -> tuple[Any, Any]:
    """A tensor's data and type for the merged file: as it was, or merged and stored as ``MERGED_TYPE``."""
    import gguf

    if pair is None:
        return tensor.data, tensor.tensor_type
    a, b = pair
    merged = _floats(tensor) + (alpha / a.shape[0]) * (b @ a)
    own = gguf.GGMLQuantizationType(tensor.tensor_type)
    kind = own if own.name in KEPT_TYPES else gguf.GGMLQuantizationType[MERGED_TYPE]
    return gguf.quants.quantize(merged.astype("float32"), kind), kind


def _floats(tensor: Any) -> Any:
    """A GGUF tensor as a float32 matrix (rows × columns, as numpy sees llama.cpp's shapes)."""
    import gguf
    import numpy as np

    values = gguf.quants.dequantize(tensor.data, tensor.tensor_type)
    return np.asarray(values, dtype=np.float32).reshape(tuple(int(n) for n in reversed(tensor.shape)))


def _copy_metadata(reader: Any, writer: Any) -> None:
    """Every key of the base but the ones the writer sets itself."""
    import gguf

    for field in reader.fields.values():
        if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
            continue
        kind = field.types[0]
        sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), kind, sub_type=sub)


def _text(reader: Any, key: str) -> str:
    return str(reader.fields[key].contents())
