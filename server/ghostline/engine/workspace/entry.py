"""One definition of the workspace index (a function, method or class of some file)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entry:
    """A definition: where it is, its header and its doc."""

    name: str
    kind: str
    """``function``, ``method`` or ``class`` (as ``definitions.scm`` names them)."""
    path: str
    """The absolute file path."""
    language: str
    start_line: int
    """0-based first line of the whole definition."""
    end_line: int
    """0-based last line of the whole definition."""
    signature: str
    """The header up to the body, whitespace collapsed (at most ``MAX_SIGNATURE`` characters)."""
    doc: str
    """The doc comment or docstring's text, trimmed ("" when none)."""
    container: str = ""
    """The enclosing class (or receiver type) of a method ("" otherwise)."""
