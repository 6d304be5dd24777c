"""Acceptance statistics, kept on this machine in a small JSON file."""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from pathlib import Path

import platformdirs


def stats_path() -> Path:
    """Where the counts live: ``$GHOSTLINE_STATE_DIR/stats.json`` or the user state dir."""
    base = os.environ.get("GHOSTLINE_STATE_DIR") or platformdirs.user_state_dir("ghostline")
    return Path(base) / "stats.json"


class Acceptance:
    """Counts suggestions shown and accepted; shown-but-not-accepted counts as rejected."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or stats_path()
        self._pending: OrderedDict[str, int] = OrderedDict()
        self.session = {"shown": 0, "accepted": 0, "accepted_chars": 0, "gated": 0}
        self._saved: dict[str, int] = {}

    def shown(self, shown_id: str, chars: int) -> None:
        """A suggestion was offered to the client."""
        self._pending[shown_id] = chars
        while len(self._pending) > 1000:
            self._pending.popitem(last=False)
        self.session["shown"] += 1

    def gated(self) -> None:
        """The stay-silent gate kept a suggestion back."""
        self.session["gated"] += 1

    def accept(self, shown_id: str) -> None:
        """The client ran the acceptance command for a suggestion; saved at once."""
        chars = self._pending.pop(shown_id, 0)
        self.session["accepted"] += 1
        self.session["accepted_chars"] += chars
        self.save()

    def totals(self) -> dict[str, int]:
        """Counts of this session, with rejected derived."""
        return {**self.session, "rejected": self.session["shown"] - self.session["accepted"]}

    def save(self) -> None:
        """Add this session's counts to the file (written atomically)."""
        saved = load(self.path)
        for key in self.session:
            saved[key] = saved.get(key, 0) + self.session[key] - self._saved.get(key, 0)
        self._saved = dict(self.session)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(saved, indent=2), encoding="utf-8")
        os.replace(tmp, self.path)


def load(path: Path | None = None) -> dict[str, int]:
    """The saved totals (empty when none were saved yet or the file is unreadable)."""
    try:
        data = json.loads((path or stats_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: int(v) for k, v in data.items() if isinstance(v, int)}
