"""Machine resources: threads to use, and whether a model and its KV cache fit in memory."""

from __future__ import annotations

import os

from ghostline.model.errors import ModelError
from ghostline.model.gguf import GGUFInfo

GIB = 1024**3


def default_threads() -> int:
    """CPU threads available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def available_memory() -> int | None:
    """Bytes of memory available now (Linux ``MemAvailable``), or None when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def kv_cache_bytes(info: GGUFInfo, n_ctx: int) -> int:
    """Size of an f16 KV cache for ``n_ctx`` tokens, from the model's shape."""
    layers = info.arch_value("block_count")
    heads = max(info.arch_value("attention.head_count"), 1)
    kv_heads = info.arch_value("attention.head_count_kv", heads) or heads
    head_dim = info.arch_value("attention.key_length") or info.arch_value("embedding_length") // heads
    return n_ctx * layers * kv_heads * head_dim * 2 * 2


def check_memory(info: GGUFInfo, n_ctx: int) -> None:
    """Raise a clear ModelError when weights plus KV cache for ``n_ctx`` cannot fit in memory."""
    available = available_memory()
    if available is None:
        return
    need = kv_cache_bytes(info, n_ctx) + info.file_size
    if need > available:
        raise ModelError(
            f"not enough memory for n_ctx={n_ctx}: the model and its KV cache need about "
            f"{need / GIB:.1f} GiB but {available / GIB:.1f} GiB is available; lower model.nCtx",
            "model/out-of-memory",
        )
