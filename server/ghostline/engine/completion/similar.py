"""Code like the cursor's in the workspace's other files: windows similar to the lines above the cursor.

What the 0.5B model cannot guess (which converter method a feature calls, the arguments a sibling module
passes) is often written in a file beside the current one. A window of ``WINDOW`` lines that shares enough
words with the lines above the cursor is shown together with the lines that follow it: those are what the
code at the cursor is likely to resemble (the retrieval of RepoCoder and CrossCodeEval). Files in the cursor's
folder come first, then files defining the names used near the cursor; reading is bounded per search.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from ghostline.engine.workspace.index import WorkspaceIndex
from ghostline.engine.workspace.walk import language_of, read_regular

WINDOW = 12
STEP = 6
SHOW_FROM = 4
"""Lines at the start of a matched window that are not shown (the prompt's budget goes to what follows)."""
FOLLOW = 6
"""Lines after a matched window shown with it."""
MIN_SCORE = 0.15
"""Least word overlap (Jaccard) with the lines above the cursor: below it a window merely shares words."""
MAX_FILES = 24
MAX_CHARS = 600_000
"""Most characters read for one search (a search runs when the prompt's window moves, not per keystroke)."""
DEFINERS = 4
"""Files defining one name that are read (a name defined in more files says little)."""
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


@dataclass(frozen=True)
class Found:
    """A window of another file like the code above the cursor, with the lines that follow it."""

    score: float
    path: str
    """The file's absolute path."""
    start_line: int
    """0-based first line of ``text``."""
    text: str


def candidates(index: WorkspaceIndex, here: str, wanted: set[str], skip: set[str]) -> list[str]:
    """Indexed files of ``here``'s language to search: its folder's first, then definers of ``wanted``."""
    language = language_of(here)
    found: list[str] = []
    definers = [e.path for name in sorted(wanted) for e in index.lookup(name)[:DEFINERS]]
    for path in [*index.files_in(os.path.dirname(here)), *definers]:
        if path != here and path not in skip and path not in found and language_of(path) == language:
            found.append(path)
        if len(found) >= MAX_FILES:
            break
    return found


def search(
    paths: list[str],
    words: set[str],
    wanted: set[str],
    index: WorkspaceIndex,
    live: dict[str, str] | None = None,
) -> list[Found]:
    """The windows of ``paths`` that share at least ``MIN_SCORE`` of their words with ``words``.

    A window counts only when it holds one of the names in ``wanted``; at most one window per file is kept
    for each stretch of lines (the best), and the files read stop at ``MAX_CHARS`` in all. A path in
    ``live`` (an editor's buffer) is searched in that text instead of the file on disk.
    """
    if not words or not wanted:
        return []
    found: list[Found] = []
    read = 0
    for path in paths:
        text = live[path] if live and path in live else _read(path, index.limits.max_file_bytes)
        if text is None:
            continue
        read += len(text)
        found += _windows(path, text.splitlines(), words, wanted)
        if read >= MAX_CHARS:
            break
    return found


def _read(path: str, limit: int) -> str | None:
    """An indexed file's text (the index vetted it already: not binary, not minified), or None."""
    data = read_regular(path, limit)
    return None if data is None else data.decode("utf-8", "replace")


def _windows(path: str, lines: list[str], words: set[str], wanted: set[str]) -> list[Found]:
    """The windows of one file like ``words``, best first, none overlapping a better one."""
    if not lines:
        return []
    scored: list[tuple[float, int]] = []
    steps = [set(_WORD.findall("\n".join(lines[at : at + STEP]))) for at in range(0, len(lines), STEP)]
    for step, start in enumerate(range(0, max(len(lines) - STEP, 1), STEP)):
        other = steps[step] | steps[step + 1] if step + 1 < len(steps) else steps[step]
        if other & wanted:
            score = len(words & other) / len(words | other)
            if score >= MIN_SCORE:
                scored.append((score, start))
    kept: list[Found] = []
    for score, start in sorted(scored, key=lambda s: (-s[0], s[1])):
        shown = lines[start + SHOW_FROM : start + WINDOW + FOLLOW]
        apart = all(abs(start - k.start_line + SHOW_FROM) >= WINDOW for k in kept)
        if apart and any(line.strip() for line in shown):
            kept.append(Found(round(score, 4), path, start + SHOW_FROM, "\n".join(shown)))
    return kept
