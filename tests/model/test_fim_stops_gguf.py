"""Pure model-layer logic: FIM detection and layout, stop strings, GGUF header reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from ghostline.model import fim
from ghostline.model.errors import ModelError
from ghostline.model.gguf import read_header
from ghostline.model.stops import StopMatcher


@pytest.mark.parametrize(
    ("vocab", "name"),
    [
        (["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|fim_pad|>", "a"], "qwen"),
        (["<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<fim_pad>"], "starcoder"),
        (["▁<PRE>", "▁<SUF>", "▁<MID>", "▁<EOT>"], "codellama"),
        (["<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"], "deepseek"),
        (["[PREFIX]", "[SUFFIX]", "</s>"], "codestral"),
    ],
)
def test_fim_family_detected(vocab: list[str], name: str) -> None:
    found = fim.detect(vocab)
    assert found is not None and found.name == name


def test_no_fim_tokens_means_prefix_only() -> None:
    assert fim.detect(["<|im_start|>", "<|im_end|>", "def", "<|fim_prefix|>"]) is None


def test_fim_layouts() -> None:
    qwen = fim.detect(["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"])
    assert qwen is not None
    assert qwen.build("A", "B", "m") == "<|fim_prefix|>A<|fim_suffix|>B<|fim_middle|>m"
    codestral = fim.detect(["[PREFIX]", "[SUFFIX]"])
    assert codestral is not None
    assert codestral.build("A", "B") == "[SUFFIX]B[PREFIX]A"


def test_stop_matcher_holds_back_partial_stops() -> None:
    m = StopMatcher(["\n\n", "<end>"])
    assert m.feed("abc\n") == "abc"
    assert m.feed("x<e") == "\nx"
    assert m.feed("nd>tail") == ""
    assert m.stopped and m.flush() == ""


def test_stop_matcher_flushes_at_the_end() -> None:
    m = StopMatcher(["###"])
    assert m.feed("a#") == "a"
    assert m.flush() == "#"


def test_gguf_header_rejects_other_files(tmp_path: Path) -> None:
    not_gguf = tmp_path / "x.gguf"
    not_gguf.write_bytes(b"PK\x03\x04 zip")
    with pytest.raises(ModelError, match="not a GGUF"):
        read_header(str(not_gguf))
    short = tmp_path / "short.gguf"
    short.write_bytes(b"GGUF\x03\x00\x00\x00\x01")
    with pytest.raises(ModelError, match="truncated"):
        read_header(str(short))
