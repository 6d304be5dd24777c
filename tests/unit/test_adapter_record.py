"""What an adapter learned from is kept beside it as hashes; drift is the share of names new since."""

from __future__ import annotations

import json
from pathlib import Path

from ghostline.model.adapter_record import (
    drift,
    name_hash,
    read_record,
    record_path,
    workspace_adapter,
    write_record,
)


def test_a_record_holds_hashes_not_names(tmp_path: Path) -> None:
    adapter = tmp_path / "mine.gguf"
    path = write_record(adapter, "qwen2.5-coder-0.5b", "shop", [name_hash(n) for n in ("checkout", "Cart")])
    assert path == record_path(adapter) == tmp_path / "mine.gguf.json"
    text = path.read_text()
    assert "checkout" not in text and "Cart" not in text
    record = read_record(adapter)
    assert record is not None and record["base"] == "qwen2.5-coder-0.5b" and len(record["definitions"]) == 2


def test_drift_is_the_share_of_names_new_since_training(tmp_path: Path) -> None:
    adapter = tmp_path / "a.gguf"
    write_record(adapter, "b", "r", [name_hash(n) for n in ("a", "b", "c", "d")])
    record = read_record(adapter)
    assert record is not None
    assert drift(record, {"a", "b", "c", "d"}) == 0.0
    assert drift(record, {"a", "b", "x", "y"}) == 0.5  # two of four are new
    assert drift(record, {"a"}) == 0.0  # names gone since do not count
    assert drift(record, set()) is None


def test_unreadable_records_and_the_workspace_adapter(tmp_path: Path) -> None:
    assert read_record(tmp_path / "none.gguf") is None
    (tmp_path / "bad.gguf.json").write_text("{not json")
    assert read_record(tmp_path / "bad.gguf") is None
    (tmp_path / "odd.gguf.json").write_text(json.dumps({"definitions": "x"}))
    assert read_record(tmp_path / "odd.gguf") is None
    assert workspace_adapter(tmp_path) is None
    (tmp_path / ".ghostline").mkdir()
    (tmp_path / ".ghostline" / "adapter.gguf").write_bytes(b"GGUF")
    assert workspace_adapter(tmp_path) == tmp_path / ".ghostline" / "adapter.gguf"
