"""A subset of gitignore: globs, ``**``, ``!`` negation, directory-only ``/`` and anchored patterns.

Each folder's ``.gitignore`` applies below that folder; later lines and deeper files win; a file inside an
ignored folder stays ignored (as with git, it cannot be re-included). ``.git/info/exclude`` applies too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ghostline.engine.workspace.wildmatch import Glob

MAX_RULES, MAX_PATTERN, MAX_READ = 2000, 1000, 1 << 20
"""Per ``.gitignore``: the lines taken as rules, the longest pattern kept, and the bytes read."""


@dataclass(frozen=True)
class Rule:
    """One pattern line: its glob, whether it re-includes, applies to folders only, or to a name alone."""

    glob: Glob
    negate: bool
    dir_only: bool
    name_only: bool
    """No slash in the pattern: it matches a file or folder name at any depth."""

    def matches(self, rel: str, is_dir: bool) -> bool:
        """Whether the rule matches a path relative to its ``.gitignore``'s folder."""
        if self.dir_only and not is_dir:
            return False
        return self.glob.fullmatch(rel.rsplit("/", 1)[-1] if self.name_only else rel)


def parse(text: str) -> list[Rule]:
    """The rules of one ``.gitignore`` text (blank lines and comments left out; bounded, see above)."""
    rules = []
    for raw in text.splitlines():
        if len(raw) > MAX_PATTERN:  # before any regex runs over it
            continue
        line = re.sub(r"(?<!\\) +$", "", raw.rstrip("\r"))
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        name_only = "/" not in line
        try:
            glob = Glob(line.lstrip("/"))
        except re.error:
            continue
        rules.append(Rule(glob, negate, dir_only, name_only))
        if len(rules) >= MAX_RULES:
            break
    return rules


def git_top(root: Path, up: int = 64) -> Path | None:
    """The work tree holding ``root`` (the nearest folder with a ``.git``), if any."""
    for folder in [root, *root.parents][:up]:
        if (folder / ".git").exists():
            return folder
    return None


class Ignorer:
    """The ignore rules of one root, its folders' ``.gitignore`` files read as the walk enters them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        top = git_top(root)
        self.top = top or root
        self.prefix = root.relative_to(self.top).as_posix() if top is not None else ""
        """The root's path relative to the work tree ("" when they are the same folder)."""
        self._rules: dict[str, list[Rule]] = {}
        if top is not None:
            info = _read(top / ".git" / "info" / "exclude")
            above = [p.as_posix() for p in reversed(root.relative_to(top).parents)][1:]
            for rel in ["", *above, *([self.prefix] if self.prefix else [])]:
                self.load(rel, (info if rel == "" else "") + "\n" + _read(self.top / rel / ".gitignore"))
        else:
            self.load("", _read(root / ".gitignore"))

    def rel(self, path: Path) -> str | None:
        """``path`` relative to the work tree, or None when it lies outside the root."""
        try:
            inside = path.relative_to(self.root).as_posix()
        except ValueError:
            return None
        inside = "" if inside == "." else inside
        return f"{self.prefix}/{inside}".strip("/") if self.prefix else inside

    def load(self, rel_dir: str, text: str) -> None:
        """Take the ``.gitignore`` text of a folder (relative to the work tree)."""
        rules = parse(text)
        if rules:
            self._rules[rel_dir] = rules

    def enter(self, rel_dir: str, folder: Path) -> None:
        """Read a folder's ``.gitignore`` (once) as the walk enters it."""
        if rel_dir not in self._rules and (folder / ".gitignore").is_file():
            self.load(rel_dir, _read(folder / ".gitignore"))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """Whether a path is ignored, its parent folders taken as not ignored (the walk pruned them)."""
        verdict = False
        parts = rel.split("/")
        for depth in range(len(parts)):
            base = "/".join(parts[:depth])
            rules = self._rules.get(base)
            if not rules:
                continue
            below = "/".join(parts[depth:])
            for rule in rules:
                if rule.matches(below, is_dir):
                    verdict = not rule.negate
        return verdict

    def ignored_path(self, rel: str, is_dir: bool = False) -> bool:
        """Whether a path or any folder above it (below the root) is ignored; loads what it needs."""
        parts = rel.split("/")
        first = len(self.prefix.split("/")) + 1 if self.prefix else 1
        for depth in range(first, len(parts) + 1):
            here = "/".join(parts[:depth])
            self.enter("/".join(parts[: depth - 1]), self.top / "/".join(parts[: depth - 1]))
            if self.ignored(here, is_dir or depth < len(parts)):
                return True
        return False


def _read(path: Path) -> str:
    try:
        if not path.is_file():
            return ""
        with path.open("rb") as f:
            return f.read(MAX_READ).decode("utf-8", errors="replace")
    except OSError:
        return ""
