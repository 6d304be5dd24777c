"""``model.name = "auto"``: the choice on mocked hardware facts, the loader's fallback, the facts probed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ghostline import config
from ghostline.config import ModelSettings
from ghostline.model import choice, errors, fetch, hardware, loader, registry
from ghostline.model.choice import LARGE, SMALL, Choice
from ghostline.model.hardware import GIB, Hardware

BOTH = {SMALL: 1, LARGE: 1}
AUTO = ModelSettings(name="auto")


def machine(cores: int = 2, memory_gib: float = 16, **more: object) -> Hardware:
    facts: dict[str, object] = {
        "physical_cores": cores,
        "logical_cores": cores * 2,
        "usable_cpus": cores * 2,
        "memory_available": int(memory_gib * GIB),
        "memory_total": 32 * GIB,
        "downloaded": BOTH,
        **more,
    }
    return Hardware(**facts)  # type: ignore[arg-type]


def test_auto_is_the_default_and_a_valid_setting() -> None:
    assert ModelSettings().name == "auto" == registry.AUTO
    settings, problems = config.load({"model": {"name": "auto"}})
    assert problems == [] and settings.model.name == "auto"
    settings, problems = config.load({"model": {"name": "qwen2.5-coder-1.5b"}})
    assert problems == [] and settings.model.name == "qwen2.5-coder-1.5b"


def test_gpu_picks_the_larger_model() -> None:
    picked = choice.choose(machine(2, gpu_offload=True, gpu_device="CUDA: 1 NVIDIA device"), AUTO)
    assert picked.name == LARGE
    assert "GPU (CUDA: 1 NVIDIA device)" in picked.reason


def test_eight_cores_and_enough_memory_pick_the_larger_model() -> None:
    picked = choice.choose(machine(8, 16), AUTO)
    assert picked == Choice(LARGE, picked.reason) and "8 physical cores" in picked.reason


def test_eight_cores_with_little_memory_keep_the_small_model() -> None:
    picked = choice.choose(machine(8, 3), AUTO)
    assert picked.name == SMALL
    assert "3.0 GiB available" in picked.reason and "6 GiB" in picked.reason


def test_two_cores_keep_the_small_model() -> None:
    picked = choice.choose(machine(2, 64), AUTO)
    assert picked.name == SMALL and "2 physical cores" in picked.reason


def test_a_cgroup_quota_counts_as_fewer_cores() -> None:
    assert choice.choose(machine(16, 64, cpu_quota=2.0), AUTO).name == SMALL
    assert choice.choose(machine(16, 64, cpu_quota=12.0), AUTO).name == LARGE


@pytest.mark.parametrize(
    ("facts", "settings", "said"),
    [
        (
            {"gpu_offload": True, "gpu_device": "CUDA: 1 NVIDIA device"},
            {"n_gpu_layers": 0},
            "nGpuLayers is 0",
        ),
        (
            {"gpu_offload": True, "gpu_device": "Metal (Apple arm64)"},
            {"backend": "ctransformers"},
            "ctransformers",
        ),
        ({"gpu_offload": True}, {}, "none is visible"),
        ({"gpu_device": "CUDA: 2 NVIDIA devices"}, {}, "no GPU offload"),
    ],
)
def test_a_gpu_counts_only_when_llama_cpp_can_use_it(
    facts: dict[str, object], settings: dict[str, object], said: str
) -> None:
    picked = choice.choose(machine(2, **facts), dataclasses.replace(AUTO, **settings))  # type: ignore[arg-type]
    assert picked.name == SMALL and said in picked.reason


def test_unknown_memory_never_picks_the_larger_model_on_the_cpu() -> None:
    hw = machine(16, memory_available=None, memory_total=None)
    assert choice.choose(hw, AUTO).name == SMALL


def test_an_explicit_name_is_honoured_without_probing() -> None:
    def no_probe() -> Hardware:
        raise AssertionError("an explicit name must not probe the machine")

    for name in ("smollm2-135m", "qwen2.5-coder-0.5b", "/models/mine.gguf", "hf:a/b/c.gguf"):
        picked = choice.decide(ModelSettings(name=name), no_probe)
        assert picked == Choice(name, "set in model.name")
        assert (
            choice.choose(machine(64, gpu_offload=True, gpu_device="CUDA"), ModelSettings(name=name))
            == picked
        )


def test_larger_model_not_downloaded_is_pulled_with_the_small_one_as_fallback() -> None:
    picked = choice.choose(machine(8, downloaded={SMALL: 1}), AUTO)
    assert (picked.name, picked.fallback) == (LARGE, SMALL) and "pulled on first start" in picked.reason
    nothing = choice.choose(machine(8, downloaded={}), AUTO)
    assert (nothing.name, nothing.fallback) == (LARGE, SMALL)


def test_without_auto_pull_a_downloaded_model_wins() -> None:
    offline = dataclasses.replace(AUTO, auto_pull=False)
    picked = choice.choose(machine(8, downloaded={SMALL: 1}), offline)
    assert picked.name == SMALL and "model.autoPull is off" in picked.reason and picked.fallback is None
    weak = choice.choose(machine(2, downloaded={LARGE: 1}), offline)
    assert weak.name == LARGE  # slower, but it works without a download
    assert choice.choose(machine(8, downloaded={}), offline).name == LARGE  # its error says how to pull it


def test_small_model_missing_falls_back_to_a_downloaded_large_one() -> None:
    picked = choice.choose(machine(2, downloaded={LARGE: 1}), AUTO)
    assert (picked.name, picked.fallback) == (SMALL, LARGE)


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GHOSTLINE_MODELS_DIR", str(tmp_path))
    return tmp_path


def test_loader_falls_back_when_the_download_fails(models: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = registry.cached_path(registry.PRESETS[SMALL])
    small.write_bytes(b"GGUF")

    def offline(resolved: registry.Resolved, progress: object = None) -> Path:
        raise errors.ModelError(f"could not download '{resolved.spec}':\n  no network", "model/download")

    monkeypatch.setattr(fetch, "pull", offline)
    chosen = Choice(LARGE, "auto: a GPU", SMALL)
    resolved, final = loader.locate_chosen(AUTO, chosen, None)
    assert resolved.path == small and final.name == SMALL
    assert final.reason.startswith("auto: a GPU; ") and "could not download" in final.reason
    with pytest.raises(errors.ModelError, match="could not download"):
        loader.locate_chosen(AUTO, Choice(LARGE, "set in model.name"), None)  # explicit: no fallback


def test_auto_resolves_to_what_the_machine_suits(models: Path) -> None:
    for name in (SMALL, LARGE):  # sparse files of the right size count as downloaded
        preset = registry.PRESETS[name]
        with registry.cached_path(preset).open("wb") as f:
            f.truncate(preset.size)
    offline = dataclasses.replace(AUTO, auto_pull=False)
    expected = choice.choose(hardware.probe(), offline)
    assert expected.name in hardware.downloaded() and expected.fallback is None
    assert loader.locate(offline).spec == expected.name
    with pytest.raises(errors.ModelError, match="names no file"):
        registry.resolve("auto")


def test_this_machine_is_probed_sanely() -> None:
    hw = hardware.probe()
    assert 1 <= hw.physical_cores <= max(hw.logical_cores, 1)
    assert 1 <= hw.cores <= hw.physical_cores
    assert hw.memory_available is None or hw.memory_available > 0
    assert hw.llama_cpp_version and "=" in hw.system_info
    if hw.cores < choice.MIN_CORES and not hw.gpu:
        assert choice.choose(hw, AUTO).name == SMALL  # the 2-core test machine keeps the 0.5B


def test_physical_cores_count_hyperthreads_once() -> None:
    cpu = "processor\t: {n}\nphysical id\t: {p}\ncore id\t\t: {c}\n"
    text = "\n".join(cpu.format(n=n, p=n // 4, c=n % 2) for n in range(8))  # 2 packages × 2 cores × 2 threads
    assert hardware.physical_cores(text, list(range(8))) == 4
    assert hardware.physical_cores(text, [0, 1]) == 2
    assert hardware.physical_cores(text, [0, 2]) == 1  # two threads of one core
    assert hardware.physical_cores("processor\t: 0\nBogoMIPS\t: 50\n", [0]) == 0  # no topology


def test_cgroup_v2_quota_and_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    leaf = tmp_path / "user.slice" / "app"
    leaf.mkdir(parents=True)
    (tmp_path / "user.slice" / "cpu.max").write_text("max 100000\n")
    (leaf / "cpu.max").write_text("250000 100000\n")
    (leaf / "memory.max").write_text(f"{4 * GIB}\n")
    (leaf / "memory.current").write_text(f"{GIB}\n")
    (tmp_path / "user.slice" / "memory.max").write_text("max\n")
    monkeypatch.setattr(hardware, "CGROUP", tmp_path)
    monkeypatch.setattr(hardware, "_own_cgroup", lambda: "/user.slice/app")
    assert hardware._cpu_quota() == 2.5
    assert hardware._cgroup_memory() == (4 * GIB, GIB)


def test_a_gpu_is_visible_only_when_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    if hardware.sys.platform == "darwin":
        pytest.skip("Metal is judged by the machine, not by device nodes")
    monkeypatch.setattr(hardware.glob, "glob", lambda pattern: ["/dev/nvidia0", "/dev/nvidia1"])
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    assert hardware._gpu_device() == "CUDA: 2 NVIDIA devices"
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    monkeypatch.setattr(hardware.os.path, "exists", lambda path: False)
    assert hardware._gpu_device() == ""
