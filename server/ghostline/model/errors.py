"""Model errors with messages meant for people, never tracebacks."""

from __future__ import annotations


class ModelError(Exception):
    """A model problem a user can act on; ``code`` is stable, ``str()`` is the message."""

    code = "model/error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        """The text to show the user."""
        return str(self)


def unknown_preset(name: str, valid: list[str]) -> ModelError:
    """An unknown preset name, listing the valid ones."""
    return ModelError(
        f"unknown model '{name}'. Valid presets: {', '.join(valid)}; or give a path to a .gguf file "
        "or hf:OWNER/REPO/FILE.gguf",
        "model/unknown",
    )


def missing_file(path: str) -> ModelError:
    """A model path that does not exist."""
    return ModelError(f"model file not found: {path}", "model/missing")


def not_downloaded(name: str) -> ModelError:
    """A preset that has not been pulled and may not be pulled automatically."""
    return ModelError(
        f"model '{name}' is not downloaded yet; run `ghostline model pull {name}` "
        "(or set model.autoPull to true)",
        "model/not-downloaded",
    )
