"""A LoRA adapter merged into its base: the same weights as base + adapter, loaded as one model, cached."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pytest

from ghostline.config import ModelSettings
from ghostline.model import fetch, loader, registry
from ghostline.model.adapter import identity_of
from ghostline.model.gguf import read_header
from ghostline.model.llama import LlamaBackend, _import_llama_cpp
from ghostline.model.merge import merged_dir, merged_model, merged_path
from ghostline.tune.export import write_adapter

pytestmark = pytest.mark.model
gguf = pytest.importorskip("gguf")
PROMPT = 'def fibonacci(n):\n    """Return the n-th Fibonacci number."""\n    if n < 2:\n'


@pytest.fixture(scope="module")
def base() -> str:
    return str(fetch.pull(registry.resolve("smollm2-135m")))


def random_adapter(base: str, path: Path, scale: float, layers: int = 0, seed: int = 0) -> Path:
    """A rank-8 adapter of normal noise on q/k/v/o (of the first ``layers`` blocks; 0: all)."""
    header = read_header(base)
    width, heads = header.arch_value("embedding_length"), header.arch_value("attention.head_count")
    kv_heads = header.arch_value("attention.head_count_kv")
    identity = identity_of(header)
    rng = np.random.default_rng(seed)
    sizes = {"q_proj": width, "k_proj": width // heads * kv_heads, "v_proj": width // heads * kv_heads}
    sizes["o_proj"] = width
    tensors = {
        f"model.layers.{i}.self_attn.{name}.weight": (
            rng.normal(0, scale, (8, width)).astype(np.float32),
            rng.normal(0, scale, (rows, 8)).astype(np.float32),
        )
        for i in range(layers or identity.block_count)
        for name, rows in sizes.items()
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    write_adapter(path, tensors, alpha=16, base=identity, n_head=heads, n_head_kv=kv_heads)
    return path


def floats(reader: object, name: str) -> np.ndarray:
    tensor = next(t for t in reader.tensors if t.name == name)  # type: ignore[attr-defined]
    values = gguf.quants.dequantize(tensor.data, tensor.tensor_type)
    return np.asarray(values, dtype=np.float32).reshape(tuple(int(n) for n in reversed(tensor.shape)))


def test_each_adapted_weight_is_w_plus_scaled_ba_and_the_rest_is_copied(base: str, tmp_path: Path) -> None:
    adapter = random_adapter(base, tmp_path / "a.gguf", 0.05, layers=2)
    merged = merged_model(base, str(adapter))
    assert merged is not None and Path(merged).parent == merged_dir()
    old, lora, new = (gguf.GGUFReader(p) for p in (base, adapter, merged))
    a, b = floats(lora, "blk.1.attn_v.weight.lora_a"), floats(lora, "blk.1.attn_v.weight.lora_b")
    wanted = floats(old, "blk.1.attn_v.weight") + 16 / 8 * (b @ a)
    got = floats(new, "blk.1.attn_v.weight")
    assert got.shape == wanted.shape
    assert np.abs(got - wanted).max() <= np.abs(wanted).max() / 100  # Q8_0: a 127th of a block's largest
    untouched = {t.name: t for t in new.tensors if t.name.startswith("blk.2.") or "attn" not in t.name}
    for tensor in old.tensors:
        if tensor.name in untouched:
            assert tensor.tensor_type == untouched[tensor.name].tensor_type
            assert np.array_equal(tensor.data, untouched[tensor.name].data)
    assert {f.name: f.contents() for f in old.fields.values() if not f.name.startswith("GGUF.")} == {
        f.name: f.contents() for f in new.fields.values() if not f.name.startswith("GGUF.")
    }


def last_logits(path: str, **options: str) -> np.ndarray:
    llm = _import_llama_cpp().Llama(model_path=path, n_ctx=256, logits_all=True, verbose=False, **options)
    tokens = llm.tokenize(PROMPT.encode())
    llm.eval(tokens)
    logits = np.array(llm.scores[len(tokens) - 1])
    llm.close()
    return logits


def test_the_merged_model_answers_as_the_adapter_applied_at_run_time(base: str, tmp_path: Path) -> None:
    adapter = str(random_adapter(base, tmp_path / "a.gguf", 0.05))
    merged = merged_model(base, adapter)
    assert merged is not None
    plain, at_run_time, folded = last_logits(base), last_logits(base, lora_path=adapter), last_logits(merged)
    assert plain.argmax() != at_run_time.argmax() == folded.argmax()
    assert np.corrcoef(at_run_time, folded)[0, 1] > 0.99 > np.corrcoef(at_run_time, plain)[0, 1]


def test_the_server_backend_loads_the_merge_once_and_can_apply_the_adapter_instead(
    base: str, tmp_path: Path
) -> None:
    adapter = str(random_adapter(base, tmp_path / "adapter.gguf", 0.05, layers=4))
    off = LlamaBackend(base, n_ctx=256, adapter=adapter, merge_adapter=False)
    assert not merged_path(base, adapter).exists() and off.facts.adapter == adapter
    assert (off._llm.model_path, off._llm.lora_path) == (base, adapter)
    off.close()
    said: list[str] = []
    settings = ModelSettings(name=base, n_ctx=256, adapter=adapter)
    on = loader.load(settings, lambda done, total, message: said.append(message))
    made = merged_path(base, adapter).stat()
    assert isinstance(on, LlamaBackend) and said[-1].endswith("merging adapter.gguf into a copy of it (once)")
    assert (on._llm.model_path, on._llm.lora_path) == (str(merged_path(base, adapter)), None)
    assert on.facts.adapter == adapter and on.facts.path == base and on.generate(PROMPT, max_tokens=4).text()
    on.close()
    loader.load(settings, lambda done, total, message: said.append(message)).close()
    assert said[-1] == f"loading {Path(base).name}"
    assert merged_path(base, adapter).stat().st_ino == made.st_ino  # reused, not written again


def test_a_retrained_adapter_replaces_its_merge_and_the_cache_is_bounded(base: str, tmp_path: Path) -> None:
    adapters = [random_adapter(base, tmp_path / f"{i}" / "adapter.gguf", 0.01, layers=1) for i in range(5)]
    first = merged_model(base, str(adapters[0]))
    os.utime(adapters[0], ns=(1, 1))  # trained again
    again = merged_model(base, str(adapters[0]))
    assert first != again and again is not None and not Path(first or "").exists()
    for adapter in adapters[1:]:
        merged_model(base, str(adapter))
    assert len(list(merged_dir().glob("*.gguf"))) == 3


def test_an_adapter_for_weights_the_model_lacks_is_applied_at_run_time(
    base: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    adapter = random_adapter(base, tmp_path / "a.gguf", 0.01, layers=1)
    reader = gguf.GGUFReader(adapter)
    writer = gguf.GGUFWriter(str(tmp_path / "odd.gguf"), "llama")
    for field in reader.fields.values():
        if field.name != "general.architecture" and not field.name.startswith("GGUF."):
            kind = field.types[0]
            sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
            writer.add_key_value(field.name, field.contents(), kind, sub_type=sub)
    for tensor in reader.tensors:
        writer.add_tensor(tensor.name.replace("blk.0.", "blk.99."), np.array(tensor.data))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with caplog.at_level(logging.WARNING):
        assert merged_model(base, str(tmp_path / "odd.gguf")) is None
    assert "blk.99.attn_q.weight" in caplog.text
    assert not merged_path(base, str(tmp_path / "odd.gguf")).exists()
