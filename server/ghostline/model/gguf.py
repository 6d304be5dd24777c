"""A fast GGUF header reader: metadata, tensor table, and whether the file is whole."""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ghostline.model.errors import ModelError

MAGIC = b"GGUF"
# ggml type id → (block size in elements, bytes per block); types missing here skip the size check.
_TYPE_SIZES: dict[int, tuple[int, int]] = {
    0: (1, 4),
    1: (1, 2),
    2: (32, 18),
    3: (32, 20),
    6: (32, 22),
    7: (32, 24),
    8: (32, 34),
    9: (32, 36),
    10: (256, 84),
    11: (256, 110),
    12: (256, 144),
    13: (256, 176),
    14: (256, 210),
    15: (256, 292),
    16: (256, 66),
    17: (256, 74),
    18: (256, 98),
    19: (256, 50),
    20: (32, 18),
    21: (256, 110),
    22: (256, 82),
    23: (256, 136),
    24: (1, 1),
    25: (1, 2),
    26: (1, 4),
    27: (1, 8),
    28: (1, 8),
    29: (256, 56),
    30: (1, 2),
    34: (256, 54),
    35: (256, 66),
}
_SCALARS = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_STRING, _ARRAY = 8, 9


@dataclass
class GGUFInfo:
    """What the header says: metadata (arrays as their lengths), tensor count and expected size."""

    path: str
    version: int
    metadata: dict[str, Any] = field(default_factory=dict)
    tensor_count: int = 0
    expected_size: int | None = None
    file_size: int = 0
    tensor_types: dict[str, int] = field(default_factory=dict)
    """ggml type id of each tensor, by name."""

    @property
    def architecture(self) -> str:
        """``general.architecture`` (e.g. ``qwen2``, ``llama``)."""
        return str(self.metadata.get("general.architecture", "unknown"))

    def arch_value(self, key: str, default: int = 0) -> int:
        """An architecture-scoped integer such as ``context_length`` or ``block_count``."""
        value = self.metadata.get(f"{self.architecture}.{key}", default)
        return int(value) if isinstance(value, (int, float)) else default


class _Reader:
    def __init__(self, f: BinaryIO, path: str) -> None:
        self.f, self.path = f, path

    def take(self, n: int) -> bytes:
        data = self.f.read(n)
        if len(data) != n:
            raise ModelError(f"{self.path}: GGUF file is truncated (header cut short)", "model/corrupt")
        return data

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        return self.take(self.unpack("<Q")).decode("utf-8", "replace")

    def value(self, kind: int) -> Any:
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item, count = self.unpack("<I"), self.unpack("<Q")
            if item in _SCALARS:
                self.f.seek(struct.calcsize(_SCALARS[item]) * count, os.SEEK_CUR)
            else:
                for _ in range(count):
                    self.value(item)
            return count
        raise ModelError(f"{self.path}: GGUF metadata has an unknown value type {kind}", "model/corrupt")


def read_header(path: str) -> GGUFInfo:
    """Read and check a GGUF file's header; raises ModelError when it is not a whole GGUF file."""
    try:
        size = os.path.getsize(path)
        f = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise ModelError(f"model file not found: {path}", "model/missing") from None
    except OSError as exc:
        raise ModelError(f"cannot read model file {path}: {exc.strerror}", "model/unreadable") from None
    with f:
        if f.read(4) != MAGIC:
            raise ModelError(f"{path} is not a GGUF model file (wrong magic bytes)", "model/not-gguf")
        r = _Reader(f, path)
        info = GGUFInfo(path, r.unpack("<I"), file_size=size)
        if info.version not in (2, 3):
            raise ModelError(f"{path}: unsupported GGUF version {info.version}", "model/not-gguf")
        info.tensor_count, kv_count = r.unpack("<Q"), r.unpack("<Q")
        for _ in range(kv_count):
            key = r.string()
            info.metadata[key] = r.value(r.unpack("<I"))
        info.expected_size = _expected_size(r, info)
    if info.expected_size is not None and size < info.expected_size:
        raise ModelError(
            f"{path} is truncated or corrupt: {size:,} bytes, the header needs {info.expected_size:,}",
            "model/corrupt",
        )
    return info


def _expected_size(r: _Reader, info: GGUFInfo) -> int | None:
    """End of the last tensor's data, or None when a tensor type is unknown here."""
    end, known = 0, True
    for _ in range(info.tensor_count):
        name = r.string()
        dims = [r.unpack("<Q") for _ in range(r.unpack("<I"))]
        kind, offset = r.unpack("<I"), r.unpack("<Q")
        info.tensor_types[name] = kind
        if kind not in _TYPE_SIZES:
            known = False
            continue
        block, nbytes = _TYPE_SIZES[kind]
        elements = 1
        for d in dims:
            elements *= d
        end = max(end, offset + elements // block * nbytes)
    align = int(info.metadata.get("general.alignment", 32))
    data_start = -(-r.f.tell() // align) * align
    return data_start + end if known else None
