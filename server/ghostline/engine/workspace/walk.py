"""Finding a workspace's source files: ``.gitignore`` honoured; vendored folders, loops, odd files skipped."""

from __future__ import annotations

import os
import re
import stat
from collections import deque
from collections.abc import Callable
from pathlib import Path

from ghostline.engine.workspace.ignore import Ignorer
from ghostline.engine.workspace.limits import IndexLimits
from ghostline.syntax import languages

BINARY_PROBE = 8192
"""A NUL byte in this many first bytes marks a binary file."""


def skip_dir(name: str, path: str, limits: IndexLimits) -> bool:
    """Whether a folder is vendored, generated or a virtual environment (never entered)."""
    return (
        name in limits.skip_dirs
        or name.endswith(".egg-info")
        or os.path.isfile(os.path.join(path, "pyvenv.cfg"))
    )


def language_of(path: str) -> str | None:
    """The language of a file from its extension, or None when Ghostline does not parse it."""
    spec = languages.detect(None, path)
    return spec.name if spec is not None else None


def source_files(
    root: Path,
    ignorer: Ignorer,
    limits: IndexLimits,
    budget: int,
    stop: Callable[[], bool] | None = None,
) -> tuple[list[str], bool]:
    """Up to ``budget`` source files under ``root``, shallow folders first; and whether some were left out."""
    files: list[str] = []
    seen: set[tuple[int, int]] = set()
    queue: deque[tuple[str, str, int]] = deque([(str(root), ignorer.prefix, 0)])
    while queue:
        if stop is not None and stop():
            return files, False
        folder, rel, depth = queue.popleft()
        try:
            st = os.stat(folder)
            with os.scandir(folder) as it:
                found = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue  # a symlink loop, or a folder linked twice
        seen.add((st.st_dev, st.st_ino))
        ignorer.enter(rel, Path(folder))
        for entry in found:
            child = f"{rel}/{entry.name}" if rel else entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                enter = depth < limits.max_depth and not skip_dir(entry.name, entry.path, limits)
                if enter and not ignorer.ignored(child, True):
                    queue.append((entry.path, child, depth + 1))
            elif language_of(entry.name) is not None and not ignorer.ignored(child, False):
                try:
                    if not entry.is_file():
                        continue
                except OSError:
                    continue
                files.append(entry.path)
                if len(files) >= budget:
                    return files, True
    return files, False


_LONG_LINES: dict[int, re.Pattern[str]] = {}


def too_odd(text: str, limits: IndexLimits) -> bool:
    """Whether a text is too large or minified (a line longer than the limit) to index."""
    if len(text) > limits.max_file_bytes:
        return True
    pattern = _LONG_LINES.get(limits.max_line_chars)
    if pattern is None:
        pattern = _LONG_LINES[limits.max_line_chars] = re.compile(f"[^\\n]{{{limits.max_line_chars + 1}}}")
    return pattern.search(text) is not None


def read_source(path: str, limits: IndexLimits) -> str | None:
    """A file's text, or None when it cannot be read, is binary, huge, or minified."""
    if ".min." in os.path.basename(path):
        return None
    data = read_regular(path, limits.max_file_bytes)
    if data is None or b"\0" in data[:BINARY_PROBE]:
        return None
    text = data.decode("utf-8", "replace")
    return None if too_odd(text, limits) else text


def read_regular(path: str, limit: int) -> bytes | None:
    """The bytes of a regular file; None for one over ``limit`` bytes, unreadable, or not a regular file.

    A FIFO named ``x.py`` would block a plain ``open`` until someone writes to it; a device may never end.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks) if size <= limit else None  # it grew past the limit while read
    except OSError:
        return None
    finally:
        os.close(fd)
