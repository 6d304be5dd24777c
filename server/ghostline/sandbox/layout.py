"""What the sandbox sees: the few host paths an interpreter needs, read-only, and its own private paths."""

from __future__ import annotations

import functools
import os
import site
import sys

TMP = "/tmp"
"""A private tmpfs of ``Limits.disk_mb``: the only writable place."""
WORK = "/tmp/ghostline-sandbox"
"""The program's directory: its cwd, HOME and TMPDIR."""
PROGRAM = f"{WORK}/main.py"
PATH = "/usr/local/bin:/usr/bin:/bin"
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
"""Where the system's programs and shared libraries live (symlinks into /usr on merged-/usr systems)."""
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime")
"""The only files of /etc the sandbox sees: the loader's cache and the time zone."""

Step = tuple[str, str, str]
"""``("ro", source, dest)``: bind read-only; ``("symlink", target, dest)``: make a symlink."""


def _covered(path: str, dirs: list[str]) -> bool:
    return any(path == d or path.startswith(d.rstrip("/") + "/") for d in dirs)


def _outermost(paths: set[str]) -> list[str]:
    """``paths`` without those that lie inside another one, sorted."""
    out: list[str] = []
    for path in sorted(paths):
        if not _covered(path, out):
            out.append(path)
    return out


def _python_dirs() -> set[str]:
    """The Python installation and the venv's site-packages, as Python names them and as they resolve."""
    named = {sys.base_prefix, sys.base_exec_prefix}
    named |= {p for p in site.getsitepackages() if os.path.isdir(p)}
    return {os.path.abspath(p) for p in named} | {os.path.realpath(p) for p in named}


@functools.cache
def plan() -> tuple[Step, ...]:
    """Every host path the sandbox exposes, read-only, in mount order (parents before children)."""
    steps: list[Step] = []
    system: list[str] = []
    for top in SYSTEM:
        if os.path.islink(top):
            steps.append(("symlink", os.readlink(top), top))
        elif os.path.isdir(top):
            steps.append(("ro", top, top))
            system.append(top)
    dirs = [d for d in _outermost(_python_dirs()) if not _covered(d, system)]
    steps += [("ro", d, d) for d in dirs]
    bound = system + dirs
    # The interpreter as Python names it (a venv's bin/python is usually a symlink into the installation).
    path = os.path.abspath(sys.executable)
    for _ in range(16):
        if _covered(path, bound):
            break
        if not os.path.islink(path):
            steps.append(("ro", path, path))
            break
        target = os.readlink(path)
        steps.append(("symlink", target, path))
        path = os.path.normpath(os.path.join(os.path.dirname(path), target))
    cfg = os.path.join(sys.prefix, "pyvenv.cfg")
    if os.path.isfile(cfg) and not _covered(cfg, bound):
        steps.append(("ro", cfg, cfg))
    for name in SYSTEM_FILES:
        if os.path.islink(name):
            steps.append(("symlink", os.readlink(name), name))
        elif os.path.isfile(name):
            steps.append(("ro", name, name))
    return tuple(steps)


def visible() -> list[str]:
    """The host paths the sandbox shows (read-only), for ``protections``."""
    return [dest for kind, _, dest in plan() if kind == "ro"]


def env(work: str) -> dict[str, str]:
    """The program's whole environment."""
    return {
        "PATH": PATH,
        "HOME": work,
        "TMPDIR": work,
        "USER": "sandbox",
        "LOGNAME": "sandbox",
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
    }
