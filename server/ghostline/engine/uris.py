"""File URIs and paths, byte-exact both ways: a file name that is not UTF-8 (``bad\\xff.py``) keeps its bytes.

pygls' ``from_fs_path`` raises on such a name and ``to_fs_path`` turns its bytes into U+FFFD, so an index
entry's URI could not be written and a URI the editor sent named a file that does not exist.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname


def to_path(uri: str) -> str | None:
    """The file-system path of a ``file:`` URI; None for any other scheme."""
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return None
    if os.name != "posix":
        return url2pathname(parts.path) if not parts.netloc else f"//{parts.netloc}{url2pathname(parts.path)}"
    path = os.fsdecode(unquote_to_bytes(parts.path))
    return f"//{parts.netloc}{path}" if parts.netloc not in ("", "localhost") else path


def to_uri(path: str) -> str:
    """The ``file:`` URI of a path (made absolute first)."""
    return Path(path).absolute().as_uri()
