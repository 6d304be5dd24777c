"""Syntax problems of files on disk (``ghostline check``, the dataset builder's file walk)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from ghostline.engine.diagnostics import syntax_findings
from ghostline.engine.document import Document
from ghostline.engine.workspace.walk import read_regular
from ghostline.syntax import languages

MAX_FILE_BYTES = 64 << 20
SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".mypy_cache",
    ".tox",
}


@dataclass(frozen=True)
class Finding:
    """One diagnostic of a file, 1-based lines and columns (columns in characters)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    severity: str
    code: str
    message: str


def check_file(path: Path) -> list[Finding]:
    """The syntax problems of one file (a warning finding when it cannot be read as text)."""
    if not path.exists():
        return [_file_warning(path, "file/unreadable", "cannot read: no such file")]
    data = read_regular(str(path), MAX_FILE_BYTES)
    if data is None:
        why = "not a regular file" if not path.is_file() else "unreadable or over 64 MiB"
        return [_file_warning(path, "file/unreadable", f"cannot read: {why}")]
    if b"\0" in data[:8192]:
        return [_file_warning(path, "file/binary", "binary file skipped")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [_file_warning(path, "file/encoding", f"not valid UTF-8 at byte {exc.start}; skipped")]
    doc = Document(str(path), text, encoding="utf-32")
    out = []
    for f in syntax_findings(doc):
        start, end = doc.position_at(f.start), doc.position_at(f.end)
        where = (start.line + 1, start.character + 1, end.line + 1, end.character + 1)
        out.append(Finding(str(path), *where, f.severity, f.code, f.message))
    return out


def _file_warning(path: Path, code: str, message: str) -> Finding:
    return Finding(str(path), 1, 1, 1, 1, "warning", code, message)


def collect(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to check: files as given; directories walked for known languages, honouring .gitignore."""
    for path in paths:
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _walk(root: Path) -> Iterator[Path]:
    specs: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        ignore_file = here / ".gitignore"
        if ignore_file.is_file():
            lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
            specs.append((here, pathspec.GitIgnoreSpec.from_lines(lines)))
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIP_DIRS and not _ignored(here / d, specs, is_dir=True)
        )
        for name in sorted(filenames):
            path = here / name
            if languages.detect(None, name) and not _ignored(path, specs, is_dir=False):
                yield path


def _ignored(path: Path, specs: list[tuple[Path, pathspec.GitIgnoreSpec]], is_dir: bool) -> bool:
    for base, spec in specs:
        if base in path.parents:
            rel = path.relative_to(base).as_posix() + ("/" if is_dir else "")
            if spec.match_file(rel):
                return True
    return False
