"""``ghostline check``: syntax problems of files on disk, and their text/JSON/SARIF reports."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import pathspec

from ghostline import __version__
from ghostline.engine.document import Document
from ghostline.syntax import languages

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
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [_file_warning(path, "file/unreadable", f"cannot read: {exc.strerror or exc}")]
    if b"\0" in data[:8192]:
        return [_file_warning(path, "file/binary", "binary file skipped")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [_file_warning(path, "file/encoding", f"not valid UTF-8 at byte {exc.start}; skipped")]
    doc = Document(str(path), text, encoding="utf-32")
    out = []
    for p in doc.problems():
        start, end = doc.position_of_point(*p.start), doc.position_of_point(*p.end)
        out.append(
            Finding(
                str(path),
                start.line + 1,
                start.character + 1,
                end.line + 1,
                end.character + 1,
                "error",
                p.code,
                p.message,
            )
        )
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


def format_text(findings: list[Finding]) -> str:
    """``path:line:col: severity code message`` lines."""
    return "".join(f"{f.path}:{f.line}:{f.column}: {f.severity} {f.code} {f.message}\n" for f in findings)


def format_json(findings: list[Finding]) -> str:
    """A JSON list of finding objects."""
    return json.dumps([asdict(f) for f in findings], indent=2) + "\n"


def format_sarif(findings: list[Finding]) -> str:
    """A SARIF 2.1.0 log for code-scanning uploads."""
    rules = sorted({f.code for f in findings})
    results = [
        {
            "ruleId": f.code,
            "level": "error" if f.severity == "error" else "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": Path(f.path).as_posix()},
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                        },
                    }
                }
            ],
        }
        for f in findings
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ghostline",
                        "version": __version__,
                        "rules": [{"id": r, "shortDescription": {"text": r}} for r in rules],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
