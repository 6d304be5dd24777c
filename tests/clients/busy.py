"""A busy machine for the client tests: a bounded busy loop on one core beside the editor and the server."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def busy_cpu(seconds: float = 600) -> Iterator[subprocess.Popen[bytes]]:
    """Keep one core busy for at most ``seconds`` (killed at the end of the block, also when it fails)."""
    loop = f"import time\nt = time.time()\nwhile time.time() - t < {seconds:g}:\n    pass\n"
    proc = subprocess.Popen([sys.executable, "-c", loop])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait(10)
