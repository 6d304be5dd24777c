"""What an adapter learned from, kept beside it (``ADAPTER.gguf.json``), and how far the code drifted since.

The record holds hashes of the names the repository defined when the adapter was trained, never the names:
drift is the share of the names defined now that were not there then.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

WORKSPACE_ADAPTER = Path(".ghostline") / "adapter.gguf"
"""Where a workspace keeps its adapter: used when ``model.adapter`` is not set."""
DRIFT_WARN = 0.5
"""A share of new definitions above which the adapter is reported stale (once)."""


def name_hash(name: str) -> str:
    """A short, stable hash of a defined name."""
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def record_path(adapter: Path | str) -> Path:
    """``ADAPTER.gguf.json``."""
    return Path(f"{adapter}.json")


def write_record(adapter: Path, base: str, repository: str, hashes: Iterable[str]) -> Path:
    """Keep beside ``adapter`` its base, when and from which repository it learned, its names' hashes."""
    path = record_path(adapter)
    trained = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    data: dict[str, Any] = {"base": base, "repository": repository, "trained": trained}
    data["definitions"] = sorted(set(hashes))
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return path


def read_record(adapter: Path | str) -> dict[str, Any] | None:
    """The record beside ``adapter`` (None when there is none or it is unreadable)."""
    try:
        data = json.loads(record_path(adapter).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("definitions"), list):
        return None
    return data


def drift(record: dict[str, Any], names: Iterable[str]) -> float | None:
    """The share of ``names`` (defined now) absent from the record (None when nothing is defined)."""
    trained = set(record.get("definitions", []))
    now = {name_hash(n) for n in names}
    if not now:
        return None
    return len(now - trained) / len(now)


def workspace_adapter(root: Path | str) -> Path | None:
    """The workspace's own adapter (``.ghostline/adapter.gguf``), when it has one."""
    path = Path(root) / WORKSPACE_ADAPTER
    return path if path.is_file() else None
