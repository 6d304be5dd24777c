"""``model.name = "auto"``: the preset that suits this machine, and why (a pure function of its facts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ghostline.config import ModelSettings
from ghostline.model import registry
from ghostline.model.hardware import GIB, Hardware, probe

AUTO = registry.AUTO
LARGE = "qwen2.5-coder-1.5b"
SMALL = registry.DEFAULT
MIN_CORES = 8
"""Physical cores the 1.5B needs on the CPU (it decodes about 2.5 times slower than the 0.5B)."""
MIN_MEMORY = 6 * GIB
"""Memory that must be available for the 1.5B on the CPU (the model, its KV cache and the rest of the user's
work)."""


@dataclass(frozen=True)
class Choice:
    """The model to load and why; ``fallback`` is loaded instead when ``name`` cannot be downloaded."""

    name: str
    reason: str
    fallback: str | None = None

    def falling_back(self, why: str) -> Choice:
        """The fallback, with the reason saying what went wrong."""
        fallback = self.fallback or SMALL
        return Choice(fallback, f"{self.reason}; {why}: using {fallback} instead")


def suited(hw: Hardware, settings: ModelSettings) -> tuple[str, str]:
    """(the preset this machine suits, why), downloads aside."""
    gpu_allowed = settings.backend == "llama" and settings.n_gpu_layers != 0
    if hw.gpu and gpu_allowed:
        return LARGE, f"auto: llama.cpp offloads to a GPU ({hw.gpu_device})"
    notes = []
    if hw.gpu:
        off = "model.nGpuLayers is 0" if settings.backend == "llama" else f"the {settings.backend} backend"
        notes.append(f"GPU not used ({off})")
    elif hw.gpu_offload:
        notes.append("this llama.cpp build offloads to GPUs but none is visible")
    elif hw.gpu_device:
        notes.append(f"{hw.gpu_device} is here but this llama-cpp-python build has no GPU offload")
    memory = hw.memory_available if hw.memory_available is not None else hw.memory_total
    free = "memory unknown" if memory is None else f"{memory / GIB:.1f} GiB available"
    cores = f"{hw.cores} physical core{'s' if hw.cores != 1 else ''} usable"
    facts = ", ".join([*notes, cores, free])
    if hw.cores >= MIN_CORES and memory is not None and memory >= MIN_MEMORY:
        return LARGE, f"auto: {facts} (at least {MIN_CORES} cores and {MIN_MEMORY // GIB} GiB)"
    need = f"{LARGE} needs a GPU, or at least {MIN_CORES} cores and {MIN_MEMORY // GIB} GiB available"
    return SMALL, f"auto: {facts}; {need}"


def choose(hw: Hardware, settings: ModelSettings) -> Choice:
    """The model ``settings`` asks for on a machine with ``hw``.

    The rules, in order:

    1. A name other than ``auto`` is used as given (``set in model.name``); nothing is probed.
    2. ``qwen2.5-coder-1.5b`` when llama.cpp offloads to a GPU that is here (the build supports offload, a
       CUDA, ROCm or Metal device is visible, ``model.nGpuLayers`` is not 0, the backend is ``llama``), or
       when the process may use at least 8 physical cores (after affinity and any cgroup CPU quota) and at
       least 6 GiB of memory is available (``MemAvailable``, less when a cgroup limit leaves less).
    3. Otherwise ``qwen2.5-coder-0.5b``.
    4. Downloads: the suited preset is used when it is on disk. When it is not and ``model.autoPull`` is off,
       the other preset is used if it is on disk (else the suited one, whose error says how to pull it). When
       ``model.autoPull`` is on, the suited preset is pulled on first start, and if that download fails
       (offline, say) the loader falls back to the other preset when it is on disk, or to the 0.5B (pulled).
    """
    if settings.name != AUTO:
        return Choice(settings.name, "set in model.name")
    name, why = suited(hw, settings)
    other = SMALL if name == LARGE else LARGE
    if name in hw.downloaded:
        return Choice(name, why)
    if not settings.auto_pull:
        if other in hw.downloaded:
            return Choice(other, f"{why}; {name} is not downloaded and model.autoPull is off: using {other}")
        return Choice(name, why)
    fallback = other if other in hw.downloaded else (SMALL if name == LARGE else None)
    return Choice(name, f"{why}; not downloaded yet: pulled on first start", fallback)


def decide(settings: ModelSettings, facts: Callable[[], Hardware] = probe) -> Choice:
    """``choose`` on this machine's facts (probed only for ``auto``)."""
    if settings.name != AUTO:
        return Choice(settings.name, "set in model.name")
    return choose(facts(), settings)
