"""File URIs and paths: byte-exact both ways, other schemes left alone."""

from __future__ import annotations

import os

import pytest

from ghostline.engine.uris import to_path, to_uri


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
@pytest.mark.parametrize(
    "name", [b"plain.py", b"caf\xe9.py", b"bad\xffname.py", b"sp ace#%?.py", "gr\u00fc\u00dfe.py".encode()]
)
def test_a_path_survives_the_round_trip(name: bytes) -> None:
    path = os.fsdecode(b"/tmp/dir/" + name)
    uri = to_uri(path)
    assert uri.startswith("file:///tmp/dir/") and uri.isascii()
    assert to_path(uri) == path


def test_other_schemes_and_hosts() -> None:
    assert to_path("untitled:Untitled-1") is None
    assert to_path("vscode-notebook-cell:/a.ipynb#x") is None
    assert to_path("file://localhost/etc/hosts") == "/etc/hosts"
    assert to_path("file:///a/sp%20ace%23%25.py") == "/a/sp ace#%.py"
