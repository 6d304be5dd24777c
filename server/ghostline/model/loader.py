"""From settings to a loaded backend: resolve the model, pull it if allowed, load it (or reach a server)."""

from __future__ import annotations

from ghostline.config import ModelSettings, RemoteSettings
from ghostline.model import errors, fetch, registry
from ghostline.model.backend import Backend
from ghostline.model.fetch import Progress


def locate(settings: ModelSettings, progress: Progress | None = None) -> registry.Resolved:
    """Resolve ``model.name`` and make sure its file is on disk (pulling only when allowed)."""
    resolved = registry.resolve(settings.name)
    if resolved.present:
        return resolved
    if resolved.path.exists():  # a directory or FIFO where the file belongs: pulling cannot fix that
        raise errors.missing_file(str(resolved.path))
    if not settings.auto_pull and (resolved.preset or resolved.hub):
        raise errors.not_downloaded(settings.name)
    fetch.pull(resolved, progress or (lambda done, total, message: None))
    return resolved


def load(
    settings: ModelSettings, progress: Progress | None = None, remote: RemoteSettings | None = None
) -> Backend:
    """The backend ``model.backend`` names, loaded (raises ModelError with a clear message)."""
    if settings.backend == "remote":
        from ghostline.model.remote import RemoteBackend

        remote = remote or RemoteSettings()
        if progress:
            progress(0, 0, f"connecting to {remote.url}")
        return RemoteBackend(remote)
    resolved = locate(settings, progress)
    if progress:
        progress(0, 0, f"loading {resolved.path.name}")
    if settings.backend == "ctransformers":
        from ghostline.model.ctransformers_backend import CTransformersBackend

        return CTransformersBackend(
            str(resolved.path), name=settings.name, n_ctx=settings.n_ctx, n_threads=settings.n_threads
        )
    from ghostline.model.llama import LlamaBackend

    return LlamaBackend(
        str(resolved.path),
        name=settings.name,
        n_ctx=settings.n_ctx,
        n_threads=settings.n_threads,
        n_gpu_layers=settings.n_gpu_layers,
        flash_attn=settings.flash_attn,
        seed=settings.seed,
        adapter=settings.adapter,
        speculative=settings.speculative,
    )
