"""A fast GGUF header reader: metadata, tensor table, and whether the file is whole."""

from __future__ import annotations

import math
import os
import stat
import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ghostline.model.errors import ModelError, not_a_file

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
        ok = isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
        return int(value) if ok else default  # a forged NaN or inf must not raise outside ModelError


_MAX_DIMS = 4
"""ggml's GGML_MAX_DIMS: llama.cpp refuses tensors with more dimensions."""
_MIN_KV, _MIN_TENSOR = 8 + 4 + 1, 8 + 4 + 4 + 8
"""Fewest bytes a metadata entry (key length, type, a one-byte value) and a tensor entry take."""


class _Reader:
    """Reads the header, checking every length and count against the bytes left in the file first."""

    def __init__(self, f: BinaryIO, path: str, size: int) -> None:
        self.f, self.path, self.size = f, path, size
        self.pos = f.tell()

    def corrupt(self, why: str) -> ModelError:
        return ModelError(f"{self.path}: GGUF file is truncated or corrupt: {why}", "model/corrupt")

    def fits(self, n: int, what: str, least: str = "") -> None:
        """Raise a clear ModelError (not MemoryError) when ``n`` bytes for ``what`` are not in the file."""
        at = self.pos
        if n > self.size - at:
            raise self.corrupt(
                f"{what} at byte {at:,} needs {least}{n:,} bytes, past the end of the file "
                f"({self.size - at:,} bytes left)"
            )

    def take(self, n: int, what: str = "the header") -> bytes:
        self.fits(n, what)
        data = self.f.read(n)
        if len(data) != n:
            raise ModelError(f"{self.path}: GGUF file is truncated (header cut short)", "model/corrupt")
        self.pos += n
        return data

    def skip(self, n: int, what: str) -> None:
        self.fits(n, what)
        self.f.seek(n, os.SEEK_CUR)
        self.pos += n

    def unpack(self, fmt: str, what: str = "the header") -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))[0]

    def count(self, fmt: str, what: str, each: int) -> int:
        """A count of items of ``each`` bytes or more, checked against the file size.

        ``{n}`` in ``what`` is replaced by the count.
        """
        n = int(self.unpack(fmt, what))
        self.fits(n * each, what.replace("{n}", f"{n:,}"), "at least ")
        return n

    def string(self, what: str) -> str:
        n = self.unpack("<Q", what)
        return self.take(n, what).decode("utf-8", "replace")

    def value(self, kind: int, key: str) -> Any:
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind], f"the value of {key}")
        if kind == _STRING:
            return self.string(f"the string value of {key}")
        if kind == _ARRAY:
            item = self.unpack("<I", f"the array {key}")
            if item == _ARRAY:
                raise self.corrupt(f"{key} is an array of arrays, which GGUF does not allow")
            each = struct.calcsize(_SCALARS[item]) if item in _SCALARS else 8
            count = self.count("<Q", f"array {key} of {{n}} elements", each)
            if item in _SCALARS:
                self.skip(each * count, f"array {key}")
            elif item == _STRING:  # skipped, not decoded: a vocabulary has ~150k of them
                what = f"a string in array {key}"
                for _ in range(count):
                    self.skip(self.unpack("<Q", what), what)
            else:
                raise self.corrupt(f"array {key} has an unknown element type {item}")
            return count
        raise self.corrupt(f"metadata {key} has an unknown value type {kind}")


def read_header(path: str) -> GGUFInfo:
    """Read and check a GGUF file's header; raises ModelError when it is not a whole GGUF file."""
    f, size = _open_regular(path)
    with f:
        if f.read(4) != MAGIC:
            raise ModelError(f"{path} is not a GGUF model file (wrong magic bytes)", "model/not-gguf")
        r = _Reader(f, path, size)
        info = GGUFInfo(path, r.unpack("<I"), file_size=size)
        if info.version not in (2, 3):
            raise ModelError(f"{path}: unsupported GGUF version {info.version}", "model/not-gguf")
        info.tensor_count = r.count("<Q", "a tensor count of {n}", _MIN_TENSOR)
        kv_count = r.count("<Q", "a metadata count of {n}", _MIN_KV)
        for i in range(kv_count):
            key = r.string(f"metadata key #{i}")
            label = _label(key)
            info.metadata[key] = r.value(r.unpack("<I", f"the type of {label}"), label)
        info.expected_size = _expected_size(r, info)
    if info.expected_size is not None and size < info.expected_size:
        raise ModelError(
            f"{path} is truncated or corrupt: {size:,} bytes, the header needs {info.expected_size:,}",
            "model/corrupt",
        )
    return info


def _open_regular(path: str) -> tuple[BinaryIO, int]:
    """The file opened for reading, and its size; a directory, FIFO or device is refused, never opened."""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise not_a_file(path, mode)
        # O_NONBLOCK: should the path become a FIFO after the check, opening it must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (FileNotFoundError, NotADirectoryError):
        raise ModelError(f"model file not found: {path}", "model/missing") from None
    except OSError as exc:
        raise ModelError(f"cannot read model file {path}: {exc.strerror}", "model/unreadable") from None
    f = os.fdopen(fd, "rb")
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        f.close()
        raise not_a_file(path, st.st_mode)
    return f, st.st_size


def _label(name: str, limit: int = 80) -> str:
    """A key or tensor name from the file, made safe to put in a message (printable, not too long)."""
    short = "".join(c if c.isprintable() else "?" for c in name[:limit])
    return short + ("…" if len(name) > limit else "")


def _expected_size(r: _Reader, info: GGUFInfo) -> int | None:
    """End of the last tensor's data, or None when a tensor type is unknown here."""
    end, known = 0, True
    for i in range(info.tensor_count):
        name = r.string(f"the name of tensor #{i}")
        what = f"tensor {_label(name)}"
        n_dims = r.unpack("<I", what)
        if n_dims > _MAX_DIMS:
            raise r.corrupt(f"{what} has {n_dims:,} dimensions (at most {_MAX_DIMS})")
        dims = [r.unpack("<Q", what) for _ in range(n_dims)]
        kind, offset = r.unpack("<I", what), r.unpack("<Q", what)
        info.tensor_types[name] = kind
        if kind not in _TYPE_SIZES:
            known = False
            continue
        block, nbytes = _TYPE_SIZES[kind]
        elements = 1
        for d in dims:
            elements *= d
        end = max(end, offset + elements // block * nbytes)
    align = info.metadata.get("general.alignment", 32)
    if not isinstance(align, int) or isinstance(align, bool) or align <= 0 or align & (align - 1):
        raise r.corrupt(f"general.alignment is {align!r}, not a power of two")
    data_start = -(-r.pos // align) * align
    return data_start + end if known else None
