"""Line tables and LSP position encodings (UTF-16, UTF-8, UTF-32) over Python strings."""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right

LINE_BREAK = re.compile(r"\r\n|\r|\n")
ENCODINGS = ("utf-16", "utf-8", "utf-32")
_LONE_CR = re.compile(rb"\r(?!\n)")


def _replacement(error: UnicodeError) -> tuple[bytes, int]:
    """Encode each lone surrogate as U+FFFD: valid UTF-8 of the same length (3 bytes) as the surrogate's."""
    assert isinstance(error, UnicodeEncodeError)
    return "\ufffd".encode() * (error.end - error.start), error.end


codecs.register_error("ghostline.fffd", _replacement)


def line_starts(text: str) -> list[int]:
    """String index at which every line starts (LSP lines end at \\n, \\r\\n or \\r)."""
    return [0, *(m.end() for m in LINE_BREAK.finditer(text))]


def update_line_starts(starts: list[int], text: str, start: int, end: int, new_len: int) -> list[int]:
    """Line starts after ``text`` (already edited) had old ``[start, end)`` replaced by ``new_len`` chars.

    Only the edited region is rescanned; the lines after it are shifted.
    """
    delta = new_len - (end - start)
    keep = max(bisect_right(starts, start) - 2, 0)
    lo = starts[keep]
    hi = end + delta + 2
    middle = [m.end() for m in LINE_BREAK.finditer(text, lo, min(hi + 1, len(text))) if m.end() <= hi]
    tail_from = bisect_right(starts, end + 2)
    return [*starts[: keep + 1], *middle, *(s + delta for s in starts[tail_from:])]


def unit_length(ch: str, encoding: str) -> int:
    """Length of one character in the code units of a position encoding."""
    if encoding == "utf-8":
        return len(ch.encode("utf-8", "surrogatepass"))
    if encoding == "utf-16":
        return 2 if ord(ch) > 0xFFFF else 1
    return 1


def column_to_index(line: str, column: int, encoding: str) -> int:
    """Index into ``line`` (no line break) of an LSP column; past the end clamps to the end."""
    if column <= 0:
        return 0
    if encoding == "utf-32" or line.isascii():
        return min(column, len(line))
    units = 0
    for i, ch in enumerate(line):
        units += unit_length(ch, encoding)
        if units > column:
            return i
        if units == column:
            return i + 1
    return len(line)


def index_to_column(line: str, index: int, encoding: str) -> int:
    """LSP column of an index into ``line``."""
    prefix = line[:index]
    if encoding == "utf-32" or prefix.isascii():
        return len(prefix)
    if encoding == "utf-8":
        return len(prefix.encode("utf-8", "surrogatepass"))
    return len(prefix) + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def byte_length(text: str) -> int:
    """UTF-8 length of a string, as tree-sitter counts it."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def to_bytes(text: str) -> bytes:
    """The UTF-8 bytes tree-sitter parses: never an exception, byte for byte as long as ``byte_length`` says.

    A lone surrogate becomes U+FFFD (valid UTF-8, so query predicates can read the text) and a lone CR, which
    ends a line for LSP and for the languages, becomes LF (tree-sitter's rows end at LF only).
    """
    data = text.encode("utf-8", "ghostline.fffd")
    return _LONE_CR.sub(b"\n", data) if b"\r" in data else data


def index_of_byte(text: str, byte: int) -> int:
    """String index of a tree-sitter byte offset into ``text`` (a byte inside a character: that character)."""
    if text.isascii():
        return min(byte, len(text))
    data = to_bytes(text)[: max(byte, 0)]
    for cut in range(4):  # a byte inside a multi-byte character counts from that character's start
        try:
            return len(data[: len(data) - cut].decode("utf-8", "surrogatepass"))
        except UnicodeDecodeError:
            continue
    return len(data.decode("utf-8", "replace"))


def edit_similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / the longer length (1.0 for two empty strings)."""
    if not a and not b:
        return 1.0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return 1.0 - previous[-1] / max(len(a), len(b))
