"""Model errors with messages meant for people, never tracebacks."""

from __future__ import annotations

import os
import stat


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


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def missing_file(path: str) -> ModelError:
    """A model path that is not a regular file: missing, a directory, a FIFO … (stat only, never opened)."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return ModelError(f"model file not found: {path}", "model/missing")
    except OSError as exc:
        return ModelError(f"cannot read model file {path}: {exc.strerror}", "model/unreadable")
    return not_a_file(path, mode)


def not_a_file(path: str, mode: int) -> ModelError:
    """A model path whose ``st_mode`` is not a regular file's."""
    if stat.S_ISDIR(mode):
        return ModelError(
            f"model path {path} is a directory; give the path of a .gguf file", "model/is-directory"
        )
    if stat.S_ISREG(mode):  # it was replaced by a file meanwhile
        return ModelError(f"model file {path} changed while it was being opened", "model/unreadable")
    kind = next((name for test, name in _KINDS if test(mode)), "something else")
    return ModelError(
        f"model path {path} is not a regular file ({kind}); give the path of a .gguf file",
        "model/not-regular-file",
    )


def not_downloaded(name: str) -> ModelError:
    """A preset that has not been pulled and may not be pulled automatically."""
    return ModelError(
        f"model '{name}' is not downloaded yet; run `ghostline model pull {name}` "
        "(or set model.autoPull to true)",
        "model/not-downloaded",
    )
