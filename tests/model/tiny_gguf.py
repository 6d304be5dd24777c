"""Writes tiny random-weight llama GGUF files (SentencePiece or BPE vocabulary) for loader tests."""

from __future__ import annotations

import random
import struct
from pathlib import Path
from typing import Any

U32, I32, F32, STRING, ARRAY = 4, 5, 6, 8, 9
ALIGN = 32


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def _value(kind: int, value: Any) -> bytes:
    if kind == STRING:
        return _string(value)
    if kind == ARRAY:
        item, items = value
        body = b"".join(_value(item, v) for v in items)
        return struct.pack("<IQ", item, len(items)) + body
    return struct.pack({U32: "<I", I32: "<i", F32: "<f"}[kind], value)


def vocabulary(kind: str) -> tuple[list[str], list[int]]:
    """Tokens and token types: ``llama`` (SentencePiece with byte fallback) or ``gpt2`` (byte-level BPE)."""
    if kind == "llama":
        tokens = ["<unk>", "<s>", "</s>", *(f"<0x{b:02X}>" for b in range(256))]
        types = [2, 3, 3, *([6] * 256)]
        pieces = ["▁", *"abcdefghijklmnopqrstuvwxyz", "▁def", "▁return", "(", ")", ":"]
    else:
        tokens, types = ["<|endoftext|>"], [3]
        pieces = [chr(c) for c in range(33, 127)] + ["Ġ", "Ġdef", "Ċ"]
    return tokens + pieces, types + [1] * len(pieces)


def write(path: Path, tokenizer: str = "llama", tied: bool = False, architecture: str = "llama") -> Path:
    """A 2-layer, 64-wide model with random F32 weights; ``tied`` leaves out ``output.weight``."""
    tokens, types = vocabulary(tokenizer)
    n_vocab, n_embd, n_ff, n_head, n_layer = len(tokens), 64, 128, 2, 2
    arch = architecture
    meta: list[tuple[str, int, Any]] = [
        ("general.architecture", STRING, arch),
        ("general.name", STRING, "tiny"),
        (f"{arch}.context_length", U32, 256),
        (f"{arch}.embedding_length", U32, n_embd),
        (f"{arch}.block_count", U32, n_layer),
        (f"{arch}.feed_forward_length", U32, n_ff),
        (f"{arch}.rope.dimension_count", U32, n_embd // n_head),
        (f"{arch}.attention.head_count", U32, n_head),
        (f"{arch}.attention.head_count_kv", U32, n_head),
        (f"{arch}.attention.layer_norm_rms_epsilon", F32, 1e-5),
        ("tokenizer.ggml.model", STRING, tokenizer),
        ("tokenizer.ggml.tokens", ARRAY, (STRING, tokens)),
        ("tokenizer.ggml.scores", ARRAY, (F32, [float(-i) for i in range(n_vocab)])),
        ("tokenizer.ggml.token_type", ARRAY, (I32, types)),
        ("tokenizer.ggml.bos_token_id", U32, 1 if tokenizer == "llama" else 0),
        ("tokenizer.ggml.eos_token_id", U32, 2 if tokenizer == "llama" else 0),
    ]
    if tokenizer == "gpt2":
        meta.append(("tokenizer.ggml.merges", ARRAY, (STRING, ["Ġ d", "e f"])))
    shapes: list[tuple[str, list[int]]] = [("token_embd.weight", [n_embd, n_vocab])]
    for i in range(n_layer):
        shapes += [
            (f"blk.{i}.attn_norm.weight", [n_embd]),
            (f"blk.{i}.attn_q.weight", [n_embd, n_embd]),
            (f"blk.{i}.attn_k.weight", [n_embd, n_embd]),
            (f"blk.{i}.attn_v.weight", [n_embd, n_embd]),
            (f"blk.{i}.attn_output.weight", [n_embd, n_embd]),
            (f"blk.{i}.ffn_norm.weight", [n_embd]),
            (f"blk.{i}.ffn_gate.weight", [n_embd, n_ff]),
            (f"blk.{i}.ffn_down.weight", [n_ff, n_embd]),
            (f"blk.{i}.ffn_up.weight", [n_embd, n_ff]),
        ]
    shapes.append(("output_norm.weight", [n_embd]))
    if not tied:
        shapes.append(("output.weight", [n_embd, n_vocab]))
    rng = random.Random(0)
    header = b"GGUF" + struct.pack("<IQQ", 3, len(shapes), len(meta))
    header += b"".join(_string(key) + struct.pack("<I", kind) + _value(kind, v) for key, kind, v in meta)
    blobs, offset = [], 0
    for name, dims in shapes:
        count = 1
        for d in dims:
            count *= d
        norm = name.endswith("norm.weight")
        data = struct.pack(f"<{count}f", *(1.0 if norm else rng.uniform(-0.1, 0.1) for _ in range(count)))
        header += _string(name) + struct.pack("<I", len(dims)) + struct.pack(f"<{len(dims)}Q", *dims)
        header += struct.pack("<IQ", 0, offset)
        padded = data + b"\0" * (-len(data) % ALIGN)
        blobs.append(padded)
        offset += len(padded)
    header += b"\0" * (-len(header) % ALIGN)
    path.write_bytes(header + b"".join(blobs))
    return path
