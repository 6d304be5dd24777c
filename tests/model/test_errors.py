"""Every model error gives a clear message (and an interrupted pull never leaves a file behind)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ghostline.config import ModelSettings
from ghostline.model import fetch, loader, registry
from ghostline.model.errors import ModelError
from ghostline.model.llama import LlamaBackend


def test_unknown_preset_lists_valid_ones() -> None:
    with pytest.raises(ModelError) as raised:
        registry.resolve("gpt-5")
    assert "qwen2.5-coder-0.5b" in raised.value.message and "smollm2-135m" in raised.value.message
    assert raised.value.code == "model/unknown"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found") as raised:
        registry.resolve(str(tmp_path / "nope.gguf"))
    assert raised.value.code == "model/missing"


def test_not_a_gguf_file(tmp_path: Path) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_text("definitely not a model\n")
    with pytest.raises(ModelError, match="not a GGUF model file"):
        LlamaBackend(str(fake))


@pytest.mark.model
def test_truncated_gguf(tmp_path: Path, smollm_path: Path) -> None:
    cut = tmp_path / "cut.gguf"
    with smollm_path.open("rb") as src, cut.open("wb") as dst:
        dst.write(src.read(20_000_000))
    with pytest.raises(ModelError, match="truncated or corrupt") as raised:
        LlamaBackend(str(cut))
    assert raised.value.code == "model/corrupt"


@pytest.mark.model
def test_architecture_llama_cpp_cannot_load(tmp_path: Path, smollm_path: Path) -> None:
    odd = tmp_path / "odd.gguf"
    shutil.copyfile(smollm_path, odd)
    with odd.open("r+b") as f:
        head = f.read(4096)
        at = head.index(b"general.architecture") + len(b"general.architecture") + 4 + 8
        assert head[at : at + 5] == b"llama"
        f.seek(at)
        f.write(b"zzzzz")
    with pytest.raises(ModelError, match="architecture 'zzzzz'") as raised:
        LlamaBackend(str(odd))
    assert raised.value.code == "model/unsupported"


@pytest.mark.model
def test_not_enough_memory_for_context(smollm_path: Path) -> None:
    with pytest.raises(ModelError, match="not enough memory for n_ctx") as raised:
        LlamaBackend(str(smollm_path), n_ctx=400_000_000)
    assert "model.nCtx" in raised.value.message


def test_not_downloaded_without_auto_pull(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHOSTLINE_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelError, match="ghostline model pull smollm2-135m"):
        loader.locate(ModelSettings(name="smollm2-135m", auto_pull=False))


@pytest.mark.model
def test_checksum_mismatch_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHOSTLINE_MODELS_DIR", str(tmp_path))
    real = registry.PRESETS["smollm2-135m"]
    wrong = registry.Preset(real.name, real.filename, real.size, "0" * 64, "", real.sources[1:])
    monkeypatch.setitem(registry.PRESETS, real.name, wrong)
    with pytest.raises(ModelError, match="sha256 mismatch"):
        fetch.pull(registry.resolve(real.name))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.model
def test_interrupted_pull_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHOSTLINE_MODELS_DIR", str(tmp_path))
    messages: list[str] = []

    def interrupt(done: int, total: int, message: str) -> None:
        messages.append(message)
        if "(3/6)" in message:
            raise KeyboardInterrupt

    resolved = registry.resolve("qwen2.5-coder-0.5b")
    with pytest.raises(KeyboardInterrupt):
        fetch.pull(resolved, interrupt)
    assert any("(2/6)" in m for m in messages)
    assert not resolved.path.exists()
    assert list(tmp_path.iterdir()) == []
