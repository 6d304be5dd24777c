"""A small git repository whose history is a list of versions of its files (for the history replays)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git_repo(root: Path, versions: list[dict[str, str]]) -> Path:
    """``root`` made a repository with one commit per version (file name → text)."""
    root.mkdir(parents=True)

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "T")
    for files in versions:
        for name, text in files.items():
            (root / name).write_text(text)
        git("add", ".")
        git("commit", "-qm", "change")
    return root
