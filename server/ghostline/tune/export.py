"""Write trained LoRA weights as a llama.cpp GGUF adapter (``blk.N.attn_q.weight.lora_a`` / ``.lora_b``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ghostline.model.adapter import PREFIX, BaseIdentity

_LORA = re.compile(r"^(?:base_model\.model\.)?(.+)\.lora_([AB])(?:\.[^.]+)?\.weight$")
PERMUTED = {"llama"}
"""Architectures whose q/k rows llama.cpp stores interleaved per head (transformers undid that on load)."""


def lora_tensors(model: Any) -> dict[str, tuple[Any, Any]]:
    """The model's LoRA pairs by base weight name (``model.layers.0.self_attn.q_proj.weight``): (A, B)."""
    found: dict[str, dict[str, Any]] = {}
    for name, param in model.named_parameters():
        match = _LORA.match(name)
        if match:
            found.setdefault(f"{match[1]}.weight", {})[match[2]] = param.detach().float().cpu().numpy()
    return {name: (ab["A"], ab["B"]) for name, ab in sorted(found.items())}


def permute_rows(weights: np.ndarray, heads: int) -> np.ndarray:
    """llama.cpp's q/k layout (convert_hf_to_gguf's ``permute``) applied to the rows of ``weights``."""
    rows = weights.shape[0]
    return (
        weights.reshape(heads, 2, rows // heads // 2, *weights.shape[1:])
        .swapaxes(1, 2)
        .reshape(weights.shape)
    )


def gguf_name(tensor_map: Any, hf_name: str) -> str:
    """The llama.cpp tensor name of a transformers weight name."""
    name = tensor_map.get_name(hf_name, try_suffixes=(".weight", ".bias"))
    if name is None:
        raise ValueError(f"no llama.cpp tensor for {hf_name}")
    return str(name)


def write_adapter(
    path: Path,
    tensors: dict[str, tuple[np.ndarray, np.ndarray]],
    *,
    alpha: float,
    base: BaseIdentity,
    n_head: int,
    n_head_kv: int,
    base_sha256: str = "",
) -> None:
    """Write a GGUF LoRA adapter for ``base``: A is (rank, in), B is (out, rank), both float32."""
    import gguf

    arch = next(a for a, n in gguf.MODEL_ARCH_NAMES.items() if n == base.architecture)
    tensor_map = gguf.get_tensor_name_map(arch, base.block_count)
    writer = gguf.GGUFWriter(str(path), base.architecture)
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(alpha))
    writer.add_name(f"{base.name or base.file} LoRA (ghostline)")
    writer.add_string(f"{PREFIX}architecture", base.architecture)
    writer.add_uint32(f"{PREFIX}block_count", base.block_count)
    writer.add_uint32(f"{PREFIX}embedding_length", base.embedding_length)
    writer.add_uint32(f"{PREFIX}vocab_size", base.vocab_size)
    writer.add_string(f"{PREFIX}name", base.name)
    writer.add_string(f"{PREFIX}file", base.file)
    if base_sha256:
        writer.add_string(f"{PREFIX}sha256", base_sha256)
    for hf_name, (a, b) in tensors.items():
        target = gguf_name(tensor_map, hf_name)
        if base.architecture in PERMUTED and target.endswith(("attn_q.weight", "attn_k.weight")):
            b = permute_rows(b, n_head if target.endswith("attn_q.weight") else n_head_kv)
        writer.add_tensor(f"{target}.lora_a", np.ascontiguousarray(a, dtype=np.float32))
        writer.add_tensor(f"{target}.lora_b", np.ascontiguousarray(b, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
