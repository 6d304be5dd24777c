"""A git history replayed as edits: each commit's changes to one file, hunk by hunk, in file order."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ghostline.syntax import languages

MAX_FILE_BYTES = 200_000
MAX_HUNK_LINES = 30
"""A hunk longer than this on either side (a move, a rewrite) is not an edit a user types."""
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


@dataclass(frozen=True)
class Hunk:
    """Lines ``start`` to ``start + len(old)`` (0-based) of the old text become ``new``."""

    start: int
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """One commit's change to one file: the file as the parent had it, and the commit's hunks."""

    commit: str
    path: str
    language: str
    before: str
    hunks: tuple[Hunk, ...]

    def apply(self, hunks: tuple[Hunk, ...] | list[Hunk]) -> str:
        """``before`` with ``hunks`` (some of this change's, any order) applied."""
        lines = self.before.split("\n")
        for hunk in sorted(hunks, key=lambda h: h.start, reverse=True):
            lines[hunk.start : hunk.start + len(hunk.old)] = hunk.new
        return "\n".join(lines)


def git(repo: Path, *args: str) -> str:
    """The output of a git command in ``repo`` (text, errors replaced)."""
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8", "replace")


def commits(repo: Path, limit: int) -> list[str]:
    """The newest ``limit`` commits that are not merges (on the checked-out branch), newest first."""
    return git(repo, "log", "--no-merges", "--format=%H", "-n", str(limit)).split()


def changes(repo: Path, wanted: set[str], limit: int = 400) -> Iterator[Change]:
    """The changes of the newest ``limit`` commits to files in a ``wanted`` language.

    Each file counts at most once per commit; binary, huge, added or deleted files are skipped.
    """
    for commit in commits(repo, limit):
        try:
            listing = git(repo, "diff-tree", "--no-commit-id", "-r", "--name-status", f"{commit}^", commit)
        except (subprocess.SubprocessError, OSError):
            continue  # the first commit: no parent
        for line in listing.splitlines():
            status, _, path = line.partition("\t")
            spec = languages.detect(None, path)
            if status != "M" or spec is None or spec.name not in wanted:
                continue
            change = _change(repo, commit, path, spec.name)
            if change is not None:
                yield change


def _change(repo: Path, commit: str, path: str, language: str) -> Change | None:
    try:
        before = git(repo, "show", f"{commit}^:{path}")
        diff = git(repo, "diff", "-U0", "--no-color", "--no-ext-diff", f"{commit}^", commit, "--", path)
    except (subprocess.SubprocessError, OSError):
        return None
    if len(before) > MAX_FILE_BYTES or "\0" in before or "\r" in before:
        return None
    hunks = parse(diff)
    if not hunks or any(max(len(h.old), len(h.new)) > MAX_HUNK_LINES for h in hunks):
        return None
    return Change(commit, path, language, before, hunks)


def parse(diff: str) -> tuple[Hunk, ...]:
    """The hunks of a ``git diff -U0`` of one file."""
    hunks = []
    lines = diff.split("\n")
    for i, line in enumerate(lines):
        match = _HUNK.match(line)
        if not match:
            continue
        old_start, old_count = int(match.group(1)), int(match.group(2) or 1)
        new_count = int(match.group(4) or 1)
        body = [b for b in lines[i + 1 : i + 1 + old_count + new_count + 2] if not b.startswith("\\")]
        old = tuple(b[1:] for b in body[:old_count])
        new = tuple(b[1:] for b in body[old_count : old_count + new_count])
        start = old_start - 1 if old_count else old_start  # "-5,0": insertion after line 5
        hunks.append(Hunk(start, old, new))
    return tuple(hunks)
