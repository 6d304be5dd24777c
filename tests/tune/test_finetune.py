"""A short CPU fine-tune of smollm2-135m on a stdlib slice: lower validation loss, a llama.cpp adapter."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ghostline.cli import main
from ghostline.config import CompletionSettings
from ghostline.model import fetch, registry
from ghostline.model.errors import ModelError
from ghostline.model.gguf import read_header
from ghostline.model.llama import LlamaBackend
from ghostline.tune import dataset
from ghostline.tune.evaluate import evaluate_repo
from ghostline.tune.finetune import Outputs, finetune, of_kinds
from ghostline.tune.prompts import to_pair
from ghostline.tune.train import History, TrainConfig

pytestmark = pytest.mark.model
TINY = TrainConfig(
    learning_rate=1e-3,
    max_steps=12,
    batch_size=2,
    max_length=96,
    eval_every=4,
    max_validation=8,
    threads=1,  # on a busy 2-core machine one torch thread is several times faster than two
)


def model_path(name: str) -> Path:
    return fetch.pull(registry.resolve(name))


@pytest.fixture(scope="module")
def trained(stdlib_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Outputs, History]:
    data = tmp_path_factory.mktemp("data")
    dataset.build(stdlib_repo, data, seed=7)
    run = tmp_path_factory.mktemp("run")
    out, history = finetune("smollm2-135m", data, run, TINY, max_examples=24, kinds="fim,function-to-doc")
    return data, out, history


def test_validation_loss_goes_down_and_curves_are_written(trained: tuple[Path, Outputs, History]) -> None:
    _, out, history = trained
    assert history.best_loss < history.initial_loss
    assert history.best_step > 0 and len(history.validation) >= 2
    assert out.adapter.name == "adapter.gguf"
    logged = json.loads(out.loss_json.read_text())
    assert logged["validation"][0]["loss"] == pytest.approx(history.initial_loss)
    assert len(logged["train"]) == len(history.train) and logged["base"] == "smollm2-135m"
    assert logged["kinds"] == "fim,function-to-doc"
    assert out.loss_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_adapter_is_a_llama_cpp_lora_that_records_its_base(trained: tuple[Path, Outputs, History]) -> None:
    header = read_header(str(trained[1].adapter))
    meta = header.metadata
    assert (meta["general.type"], meta["adapter.type"], meta["adapter.lora.alpha"]) == (
        "adapter",
        "lora",
        16.0,
    )
    assert meta["general.architecture"] == "llama" and meta["adapter.lora.base.block_count"] == 30
    names = set(header.tensor_types)
    assert len(names) == 30 * 4 * 2
    assert {"blk.0.attn_q.weight.lora_a", "blk.29.attn_output.weight.lora_b"} <= names


def test_adapter_loads_in_llama_cpp_and_changes_greedy_output(trained: tuple[Path, Outputs, History]) -> None:
    data, out, _ = trained
    path = str(model_path("smollm2-135m"))
    prompts = [
        to_pair(r, None, CompletionSettings()).prompt[-600:]
        for r in dataset.read_split(data, "validation")[:3]
    ]
    base = LlamaBackend(path, n_ctx=1024)
    before = [base.generate(p, max_tokens=24).text() for p in prompts]
    base.close()
    tuned = LlamaBackend(path, n_ctx=1024, adapter=str(out.adapter))
    after = [tuned.generate(p, max_tokens=24).text() for p in prompts]
    assert tuned.facts.adapter == str(out.adapter)
    tuned.close()
    assert before != after


def test_adapter_for_another_base_is_a_clear_error(
    trained: tuple[Path, Outputs, History], capsys: pytest.CaptureFixture[str]
) -> None:
    adapter = str(trained[1].adapter)
    with pytest.raises(ModelError) as caught:
        LlamaBackend(str(model_path("qwen2.5-coder-0.5b")), adapter=adapter)
    assert caught.value.code == "model/adapter-mismatch"
    assert (
        "smollm2-135m (llama, 30 layers" in caught.value.message
        and "(qwen2, 24 layers" in caught.value.message
    )
    assert main(["model", "info", "qwen2.5-coder-0.5b", "--adapter", adapter]) == 1
    assert "was trained for smollm2-135m" in capsys.readouterr().err


def test_missing_adapter_and_a_model_given_as_adapter(tmp_path: Path) -> None:
    path = str(model_path("smollm2-135m"))
    with pytest.raises(ModelError) as missing:
        LlamaBackend(path, adapter=str(tmp_path / "nope.gguf"))
    assert missing.value.code == "model/adapter-missing"
    with pytest.raises(ModelError) as not_adapter:
        LlamaBackend(path, adapter=path)
    assert (
        not_adapter.value.code == "model/adapter-invalid"
        and "not a LoRA adapter" in not_adapter.value.message
    )


def test_model_info_shows_the_adapter(
    trained: tuple[Path, Outputs, History], capsys: pytest.CaptureFixture[str]
) -> None:
    adapter = str(trained[1].adapter)
    assert main(["model", "info", "smollm2-135m", "--adapter", adapter, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["adapter"] == adapter
    assert main(["model", "info", "smollm2-135m", "--adapter", adapter]) == 0
    assert f"adapter:       {adapter} (LoRA for smollm2-135m" in capsys.readouterr().out


def test_eval_repo_scores_base_and_adapter_side_by_side(
    trained: tuple[Path, Outputs, History], capsys: pytest.CaptureFixture[str]
) -> None:
    data, out, _ = trained
    result = evaluate_repo(data, "smollm2-135m", str(out.adapter), limit=2)
    assert result["n"] == 2 and result["adapter_file"] == str(out.adapter)
    for label in ("base", "adapter"):
        assert result[label]["n"] == 2 and 0.0 <= result[label]["exact_match"] <= 1.0
        assert 0.0 <= result[label]["edit_similarity"] <= 1.0
        assert sum(k["n"] for k in result[label]["per_kind"].values()) == 2
        assert result[label]["median_ms"] > 0 and result[label]["mean_evaluated_tokens"] > 0
    code = main(
        [
            "eval-repo",
            "--data",
            str(data),
            "--model",
            "smollm2-135m",
            "--adapter",
            str(out.adapter),
            "--limit",
            "1",
        ]
    )
    assert code == 0 and "exact (+LoRA)" in capsys.readouterr().out


def test_export_matches_transformers_on_q_and_k(tmp_path: Path) -> None:
    """Random LoRA weights on the permuted q/k projections move llama.cpp's logits as transformers' move."""
    import llama_cpp
    import torch

    from ghostline.model.adapter import identity_of
    from ghostline.tune import export, hf
    from ghostline.tune.train import add_lora

    path = model_path("smollm2-135m")
    model, tokenizer = hf.load_base(path)
    torch.manual_seed(0)
    lora = add_lora(model, TrainConfig(rank=4, alpha=8, targets=("q_proj", "k_proj")))
    with torch.no_grad():
        for name, param in lora.named_parameters():
            if "lora_B" in name:
                param.normal_(0, 0.1)
    lora.eval()
    text = "def fibonacci(n):\n    if n < 2:\n        return n\n    return"
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        tuned = lora(input_ids=torch.tensor([ids])).logits[0, -1].numpy()
        with lora.disable_adapter():
            plain = lora(input_ids=torch.tensor([ids])).logits[0, -1].numpy()
    adapter = tmp_path / "qk.gguf"
    config = model.config
    export.write_adapter(
        adapter,
        export.lora_tensors(lora),
        alpha=8,
        base=identity_of(read_header(str(path))),
        n_head=config.num_attention_heads,
        n_head_kv=config.num_key_value_heads,
    )

    def last_logits(lora_path: str | None) -> np.ndarray:
        extra = {"lora_path": lora_path} if lora_path else {}
        llm = llama_cpp.Llama(model_path=str(path), n_ctx=128, logits_all=True, verbose=False, **extra)
        tokens = llm.tokenize(text.encode(), add_bos=False, special=True)
        assert tokens == ids  # the two tokenizers agree
        llm.eval(tokens)
        logits = np.array(llm.scores[len(tokens) - 1])
        llm.close()
        return logits

    moved_here = last_logits(str(adapter)) - last_logits(None)
    moved_there = tuned - plain
    assert float(np.corrcoef(moved_here, moved_there)[0, 1]) > 0.8


def test_the_adapter_keeps_what_it_learned_from(trained: tuple[Path, Outputs, History]) -> None:
    from ghostline.model.adapter_record import read_record

    data, out, _ = trained
    record = read_record(out.adapter)
    assert record is not None and record["base"] == "smollm2-135m"
    assert record["definitions"] == json.loads((data / dataset.DEFINITIONS).read_text())["definitions"]


@pytest.mark.parametrize("model", ["smollm2-135m", "qwen2.5-coder-0.5b"])
def test_the_workspaces_own_adapter_is_loaded_and_told_stale_or_left_out(
    model: str, trained: tuple[Path, Outputs, History], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``.ghostline/adapter.gguf`` serves when ``model.adapter`` is unset: its base checked, drift told."""
    import asyncio
    import shutil

    from ghostline.harness.client import HarnessClient
    from ghostline.model.adapter_record import record_path

    out = trained[1]
    own = tmp_path / ".ghostline" / "adapter.gguf"
    own.parent.mkdir()
    shutil.copy(out.adapter, own)
    shutil.copy(record_path(out.adapter), record_path(own))
    (tmp_path / "new.py").write_text("".join(f"def brand_new_{i}():\n    pass\n\n\n" for i in range(40)))
    monkeypatch.chdir(tmp_path)

    async def session() -> tuple[object, list[str], object]:
        async with HarnessClient({"model": {"name": model, "nCtx": 512}}) as harness:
            info = await harness.wait_model()
            for _ in range(300):  # the index scan ends, then the drift is told
                if harness.messages:
                    break
                await asyncio.sleep(0.1)
            return info, list(harness.messages), harness.status

    info, messages, status = asyncio.run(session())
    if model == "smollm2-135m":  # the adapter's own base: loaded, and every definition here is new
        assert info.state == "ready" and info.adapter == str(own)
        assert any("adapter.gguf is stale: 100%" in m for m in messages), messages
        assert "adapter adapter.gguf, stale" in status.message  # type: ignore[attr-defined]
    else:  # another base: told once, and the model serves without it
        assert info.state == "ready" and not info.adapter
        assert any("the workspace's adapter is left out" in m for m in messages), messages


def test_kinds_keep_the_named_examples_and_fim_stands_for_every_fim_kind() -> None:
    rows = [{"kind": k} for k in ("fim-line", "fim-body", "doc-to-function", "function-to-doc", "fimline")]
    assert of_kinds(rows, "") == rows
    assert [r["kind"] for r in of_kinds(rows, "fim")] == ["fim-line", "fim-body"]
    kept = of_kinds(rows, " fim-body, doc-to-function")
    assert [r["kind"] for r in kept] == ["fim-body", "doc-to-function"]
