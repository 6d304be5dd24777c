"""Minimal text edits in string offsets, and how to apply them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``new_text``."""

    start: int
    end: int
    new_text: str


def apply(text: str, edits: list[Edit]) -> str:
    """The text after the (non-overlapping) edits."""
    for e in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: e.start] + e.new_text + text[e.end :]
    return text


def line_ending(text: str) -> str:
    """The document's line ending (CRLF when it uses it, else LF)."""
    return "\r\n" if "\r\n" in text else "\n"
