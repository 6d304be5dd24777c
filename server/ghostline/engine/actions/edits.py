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


class ActionFailed(Exception):
    """An action found nothing safe to offer; the message says why (shown to the user)."""


@dataclass(frozen=True)
class FileChange:
    """Edits to another file, which is created first when it does not exist yet."""

    path: str
    text: str
    """Its current text ('' when it is created)."""
    edits: list[Edit]
    create: bool


def minimal_edit(text: str, start: int, end: int, replacement: str) -> Edit:
    """``text[start:end] → replacement`` narrowed to the lines that really change."""
    old = text[start:end]
    old_lines, new_lines = old.splitlines(keepends=True), replacement.splitlines(keepends=True)
    head = 0
    while head < min(len(old_lines), len(new_lines)) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    limit = min(len(old_lines), len(new_lines)) - head
    while tail < limit and old_lines[-1 - tail] == new_lines[-1 - tail]:
        tail += 1
    cut_start = sum(len(line) for line in old_lines[:head])
    cut_old_end = len(old) - sum(len(line) for line in old_lines[len(old_lines) - tail :])
    cut_new_end = len(replacement) - sum(len(line) for line in new_lines[len(new_lines) - tail :])
    return Edit(start + cut_start, start + cut_old_end, replacement[cut_start:cut_new_end])


def reindent(code: str, indent: str, nl: str) -> str:
    """``code`` (dedented) with ``indent`` before every non-blank line and ``nl`` line endings."""
    lines = code.replace("\r\n", "\n").split("\n")
    return nl.join(indent + line if line.strip() else "" for line in lines)
