"""What the workspace index reads: the size bounds, and the folders it never enters."""

from __future__ import annotations

from dataclasses import dataclass, field

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "bower_components",
        "__pycache__",
        "dist",
        "build",
        "target",
        "vendor",
        "_vendor",
        "third_party",
        "third-party",
        ".tox",
        ".nox",
        ".eggs",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        ".cache",
        ".next",
        ".nuxt",
        ".gradle",
        ".terraform",
        ".idea",
        "coverage",
        "Pods",
    }
)
"""Vendored, generated and tool folders, skipped at any depth below a root."""


@dataclass(frozen=True)
class IndexLimits:
    """The bounds of one workspace index (a scan stops adding files or entries beyond them)."""

    max_files: int = 20_000
    """Most source files indexed (the rest of a larger tree is left out, and ``truncated`` says so)."""
    max_entries: int = 300_000
    """Most definitions kept in all."""
    max_entries_per_file: int = 5_000
    """Most definitions kept from one file (generated files have thousands)."""
    max_file_bytes: int = 512_000
    """Larger files are skipped (generated or data; parsing one holds the GIL for 0.1 s and more)."""
    max_line_chars: int = 4_000
    """A file with a longer line is minified or generated: skipped."""
    child_process_files: int = 200
    """Scans of more files parse in a child process: the server's threads never wait for tree-sitter."""
    max_depth: int = 40
    """Deepest folder level entered below a root."""
    skip_dirs: frozenset[str] = field(default=SKIP_DIRS)
    """Folder names never entered (``*.egg-info`` and folders holding ``pyvenv.cfg`` are skipped too)."""
