"""The optional ctransformers backend: what it loads, what it refuses (before it can crash), the hint."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ghostline.config import ModelSettings
from ghostline.model import loader
from ghostline.model.ctransformers_backend import unsupported
from ghostline.model.errors import ModelError
from ghostline.model.gguf import read_header

from . import tiny_gguf

needs_ctransformers = pytest.mark.skipif(
    importlib.util.find_spec("ctransformers") is None, reason="the [ctransformers] extra is not installed"
)


def test_missing_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ctransformers", None)  # what a machine without the extra sees
    path = tiny_gguf.write(tmp_path / "tiny.gguf")
    with pytest.raises(ModelError, match=r"pip install 'ghostline\[ctransformers\]'") as raised:
        loader.load(ModelSettings(backend="ctransformers", name=str(path)))
    assert raised.value.code == "model/backend-missing"


@pytest.mark.parametrize(
    ("preset", "reason"),
    [("smollm2-135m", "'gpt2' (byte-level BPE) vocabulary"), ("qwen2.5-coder-0.5b", "architecture 'qwen2'")],
)
@needs_ctransformers
def test_current_gguf_files_are_refused_with_a_pointer_to_llama(preset: str, reason: str) -> None:
    with pytest.raises(ModelError, match=r'model\.backend = "llama"') as raised:
        loader.load(ModelSettings(backend="ctransformers", name=preset))
    assert reason in raised.value.message
    assert raised.value.code == "model/unsupported"


def test_the_checks_match_what_ctransformers_does(tmp_path: Path) -> None:
    untied = read_header(str(tiny_gguf.write(tmp_path / "a.gguf")))
    tied = read_header(str(tiny_gguf.write(tmp_path / "b.gguf", tied=True)))
    bpe = read_header(str(tiny_gguf.write(tmp_path / "c.gguf", tokenizer="gpt2")))
    assert unsupported(untied) is None
    assert "ties the output matrix" in str(unsupported(tied))
    assert "BPE" in str(unsupported(bpe))


@needs_ctransformers
@pytest.mark.parametrize("tied", [True, False])
def test_ctransformers_itself_fails_on_tied_embeddings(tmp_path: Path, tied: bool) -> None:
    """The real library, in a child process (some files crash it): the refusal above is not guesswork."""
    path = tiny_gguf.write(tmp_path / "t.gguf", tied=tied)
    script = (
        "from ctransformers import AutoModelForCausalLM as M; M.from_pretrained(__import__('sys').argv[1])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode == 0) is (not tied), result.stderr[-500:]


@needs_ctransformers
def test_loads_and_generates_what_it_supports(tmp_path: Path) -> None:
    """A llama GGUF with a SentencePiece vocabulary and its own output matrix, through our backend."""
    path = tiny_gguf.write(tmp_path / "tiny.gguf")
    script = textwrap.dedent(
        f"""
        from ghostline.model.ctransformers_backend import CTransformersBackend
        backend = CTransformersBackend({str(path)!r}, n_ctx=256, n_threads=1)
        generation = backend.generate("x = 1", max_tokens=6)
        pieces = list(generation)
        print(backend.facts.architecture, generation.stats.generated_tokens, generation.stats.stopped_by)
        print(backend.tokenize("x = 1")[0], backend.detokenize([263, 264, 265]))  # d, e, f in tiny_gguf
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-800:]
    first, second = result.stdout.strip().splitlines()[-2:]
    architecture, generated, stopped_by = first.rsplit(" ", 2)
    assert architecture == "llama (ctransformers)"
    assert 1 <= int(generated) <= 6 and stopped_by in ("max_tokens", "eos")
    bos, text = second.split(" ", 1)
    assert bos == "1" and text == "def"
