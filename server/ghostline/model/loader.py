"""From settings to a loaded backend: resolve the model, pull it if allowed, load it (or reach a server)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ghostline.config import ModelSettings, RemoteSettings
from ghostline.model import choice, errors, fetch, merge, registry
from ghostline.model.backend import Backend
from ghostline.model.choice import Choice
from ghostline.model.fetch import Progress

log = logging.getLogger("ghostline")
FALLBACK_CODES = frozenset({"model/download", "model/not-downloaded"})
"""Failures after which an ``auto`` choice loads its fallback instead (a network away, a pull not allowed)."""


def locate(settings: ModelSettings, progress: Progress | None = None) -> registry.Resolved:
    """Resolve ``model.name`` (``auto`` too) and make sure its file is on disk (pulling only when allowed)."""
    return locate_chosen(settings, choice.decide(settings), progress)[0]


def locate_chosen(
    settings: ModelSettings, chosen: Choice, progress: Progress | None = None
) -> tuple[registry.Resolved, Choice]:
    """The chosen model's file on disk (its fallback's when it cannot be downloaded), and the choice made."""
    try:
        return _locate(chosen.name, settings.auto_pull, progress), chosen
    except errors.ModelError as exc:
        if chosen.fallback is None or exc.code not in FALLBACK_CODES:
            raise
        fallen = chosen.falling_back(" ".join(exc.message.split())[:300])
        return _locate(fallen.name, settings.auto_pull, progress), fallen


def _locate(name: str, auto_pull: bool, progress: Progress | None) -> registry.Resolved:
    resolved = registry.resolve(name)
    if resolved.present:
        return resolved
    if resolved.path.exists():  # a directory or FIFO where the file belongs: pulling cannot fix that
        raise errors.missing_file(str(resolved.path))
    if not auto_pull and (resolved.preset or resolved.hub):
        raise errors.not_downloaded(name)
    fetch.pull(resolved, progress or (lambda done, total, message: None))
    return resolved


def load(
    settings: ModelSettings,
    progress: Progress | None = None,
    remote: RemoteSettings | None = None,
    chosen: Choice | None = None,
) -> Backend:
    """The backend ``model.backend`` names, loaded (raises ModelError with a clear message).

    The model is ``chosen`` (else ``choice.decide(settings)``), or its fallback when it cannot be downloaded:
    then the backend's ``facts.name`` differs from ``chosen.name`` and a warning says why.
    """
    if settings.backend == "remote":
        from ghostline.model.remote import RemoteBackend

        remote = remote or RemoteSettings()
        if progress:
            progress(0, 0, f"connecting to {remote.url}")
        return RemoteBackend(remote)
    wanted = chosen or choice.decide(settings)
    resolved, chosen = locate_chosen(settings, wanted, progress)
    if chosen is not wanted:
        log.warning("model: %s", chosen.reason)
    if progress:
        progress(0, 0, _loading(resolved.path, settings))
    if settings.backend == "ctransformers":
        from ghostline.model.ctransformers_backend import CTransformersBackend

        return CTransformersBackend(
            str(resolved.path), name=chosen.name, n_ctx=settings.n_ctx, n_threads=settings.n_threads
        )
    from ghostline.model.llama import LlamaBackend

    return LlamaBackend(
        str(resolved.path),
        name=chosen.name,
        n_ctx=settings.n_ctx,
        n_threads=settings.n_threads,
        n_gpu_layers=settings.n_gpu_layers,
        flash_attn=settings.flash_attn,
        seed=settings.seed,
        adapter=settings.adapter,
        merge_adapter=settings.merge_adapter,
        speculative=settings.speculative,
    )


def _loading(path: Path, settings: ModelSettings) -> str:
    """What the progress says while the model loads (merging an adapter first takes a while, once)."""
    adapter = settings.adapter
    merging = adapter and settings.merge_adapter and os.path.isfile(adapter)
    if merging and not merge.merged_path(str(path), adapter).is_file():
        return f"loading {path.name}: merging {os.path.basename(adapter)} into a copy of it (once)"
    return f"loading {path.name}"
