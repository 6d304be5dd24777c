"""The VS Code extension in code-server, typed into like a person, against the real server and model.

Needs the editor toolchain (``make test-vscode`` installs it into .cache/editors/ and builds the .vsix).
Screenshots, results.json and the editor's logs land in artifacts/vscode/.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ghostline import config
from ghostline.harness.demo import COMPLETION_SAMPLE
from ghostline.model import registry
from tests.clients.busy import busy_cpu
from tests.clients.codeserver import (
    EXTENSION,
    NODE_BIN,
    REPO,
    VSIX,
    CodeServer,
    chromium,
    kill_group,
    missing_tools,
)

ARTIFACTS = Path(os.environ.get("GHOSTLINE_ARTIFACTS") or REPO / "artifacts") / "vscode"
SAMPLE = (
    '"""Number helpers."""\n\nimport math\n\n\n'
    "def clamp(value: float, low: float, high: float) -> float:\n"
    "    return max(low, min(value, high))\n\n\n"
)
TYPED = "def add(a: int, b: int) -> int:\n"
RENAME = "def area(width, height):\n    total = width * height\n    print(total)\n    return total\n"
UNDOCUMENTED_LINE = 6  # clamp: the "Generate docstring" action runs there
CLIENT_ONLY = {"server.command", "server.pythonPath", "server.args", "server.env", "trace.server"}


def test_extension_settings_mirror_server_config() -> None:
    """Every server setting is a ``ghostline.*`` setting with the same default; the rest are client-only."""
    props = json.loads((EXTENSION / "package.json").read_text())["contributes"]["configuration"]["properties"]
    ours = {key.removeprefix("ghostline."): spec for key, spec in props.items()}
    server = {key: ast.literal_eval(default) for key, default, _ in config.describe()}
    for key, default in server.items():
        assert key in ours, f"ghostline.{key} is missing from the extension's settings"
        assert ours[key]["default"] == default, f"ghostline.{key}: default differs from the server's"
    assert set(ours) - set(server) == CLIENT_ONLY


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One code-server session driven by test/e2e.js; yields its results (the tests below read them)."""
    gone = missing_tools()
    if gone:
        message = f"VS Code toolchain missing ({', '.join(gone)}): run `make test-vscode`"
        if os.environ.get("GHOSTLINE_REQUIRE_EDITORS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("vscode")
    ws = root / "ws"
    (ws / ".venv" / "bin").mkdir(parents=True)
    (ws / "sample.py").write_text(SAMPLE)
    (ws / "rename.py").write_text(RENAME)
    # The extension finds the server as .venv/bin/ghostline in the workspace, as in a user's project.
    (ws / ".venv" / "bin" / "ghostline").symlink_to(Path(sys.executable).parent / "ghostline")
    server_env = {
        "PYTHONPATH": str(REPO / "server"),
        "GHOSTLINE_MODELS_DIR": str(registry.models_dir()),
        "GHOSTLINE_STATE_DIR": str(root / "state"),
    }
    # 2 cores shared with code-server and chromium (and, here, other jobs): give the model time to finish its
    # suggestion; when the budget runs out the server returns a cut one (users keep the 2 s default).
    settings = {
        "ghostline.completion.maxLatencyMs": 15000,
        "ghostline.trace.server": "verbose",  # the LSP traffic lands in the artifacts (Ghostline Trace.log)
    }
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    cs = CodeServer(root, settings, machine_settings={"ghostline.server.env": server_env})
    installed = cs.install(VSIX)
    assert "ghostline.ghostline@" in installed, installed
    try:
        cs.start()
        results = run_e2e(cs, ws, root, RENAME_FILE="rename.py")
        yield {**results, "log": ghostline_log(root)}
    finally:
        cs.stop()
        collect_logs(root)


def run_e2e(cs: CodeServer, ws: Path, root: Path, out: Path = ARTIFACTS, **extra: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "PATH": f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "CS_URL": cs.url,
        "WS": str(ws),
        "FILE": "sample.py",
        "TYPED": TYPED,
        "DEF_LINE": str(UNDOCUMENTED_LINE),
        "CHROMIUM": chromium() or "chromium",
        "OUT": str(out),
        "XDG_TMP": str(root / "browser-xdg"),
        **extra,
    }
    proc = subprocess.Popen(
        [str(NODE_BIN / "node"), str(EXTENSION / "test" / "e2e.js")], env=env, start_new_session=True
    )
    try:
        proc.wait(timeout=540)
    except subprocess.TimeoutExpired:
        pass
    finally:
        kill_group(proc.pid)  # chromium too, even when the script hangs
    written = out / "results.json"
    assert written.exists(), f"e2e.js wrote no results (exit {proc.returncode})"
    results: dict[str, Any] = json.loads(written.read_text())
    return results


def ghostline_log(root: Path) -> str:
    """The extension's "Ghostline" output channel (server stderr included), as VS Code logged it."""
    logs = sorted((root / "user-data" / "logs").rglob("*Ghostline.log"))
    return "\n".join(p.read_text(errors="replace") for p in logs)


def collect_logs(root: Path, out: Path = ARTIFACTS) -> None:
    for path in [root / "code-server.log", *(root / "user-data" / "logs").rglob("*.log")]:
        if path.is_file():
            shutil.copy(path, out / path.name)


def step_ok(session: dict[str, Any], name: str) -> None:
    step = next((s for s in session["steps"] if s["name"] == name), None)
    assert step is not None, f"step {name!r} never ran: {session['steps']}"
    story = session.get("story", "")
    assert step["ok"], f"step {name!r} failed: {step.get('error')} (screenshots in {ARTIFACTS}){story}"


def test_status_bar_shows_loading_then_ready(session: dict[str, Any]) -> None:
    step_ok(session, "ready")
    seen = session["statusSeen"]
    assert any("Ghostline: loading" in s for s in seen), seen
    first_ready = next(i for i, s in enumerate(seen) if "Ghostline: ready" in s)
    assert any("Ghostline: loading" in s for s in seen[:first_ready]), seen


def test_ghost_text_appears_and_tab_accepts_it(session: dict[str, Any]) -> None:
    step_ok(session, "ghost")
    ghost = session["ghostText"].strip()
    assert ghost, "no ghost text"
    text: str = session["afterAccept"]
    assert text.startswith(SAMPLE + TYPED.rstrip("\n")), text
    body = text[len(SAMPLE + TYPED) :]
    assert body.strip(), f"Tab inserted nothing after the typed line:\n{text}"
    shown = " ".join(ghost.split())
    assert shown in " ".join(body.split()), f"the inserted text is not the ghost text {ghost!r}:\n{text}"
    tree = ast.parse(text)  # the file parses cleanly...
    assert any(isinstance(n, ast.FunctionDef) and n.name == "add" for n in tree.body)
    assert session["errorSquigglesAfterAccept"] == 0  # ...and the editor shows no syntax squiggle


def test_statistics_count_the_accepted_suggestion(session: dict[str, Any]) -> None:
    step_ok(session, "stats")
    found = re.search(r"suggestions shown: (\d+), accepted: (\d+)", session["statsMessage"])
    assert found, session["statsMessage"]
    shown, accepted = map(int, found.groups())
    assert shown >= 1 and accepted >= 1, session["statsMessage"]


def test_generate_docstring_code_action(session: dict[str, Any]) -> None:
    step_ok(session, "docstring")
    assert session["docstringAction"].startswith("Ghostline: Generate docstring for 'clamp'")
    tree = ast.parse(session["afterDocstring"])
    func = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "clamp"), None)
    assert func and ast.get_docstring(func), session["afterDocstring"]
    tail = "def add("
    after, before = session["afterDocstring"], session["afterAccept"]
    assert after[after.index(tail) :] == before[before.index(tail) :], "the edit touched more than clamp"
    if session["timings"].get("docstringS", 0) > 3:  # long enough for its notification (after 0.5 s)
        toast = session.get("actionToast")
        assert toast and "Ghostline" in toast["text"], f"no progress notification: {toast}"
        assert toast["cancel"], f"the running action's notification has no Cancel button: {toast}"


def test_syntax_error_gets_a_squiggle(session: dict[str, Any]) -> None:
    assert session.get("fixSquiggle"), f"the syntax error got no squiggle:\n{session.get('brokenFile')}"


def test_fix_with_ghostline_quick_fix(session: dict[str, Any]) -> None:
    step_ok(session, "fix")
    assert session["fixAction"].startswith("Fix with Ghostline"), session.get("quickFixTitles")
    assert session["fixCleared"], "the squiggle stayed after the fix"
    ast.parse(session["afterFix"])


def test_a_rename_offers_the_next_edits_and_tab_applies_them(session: dict[str, Any]) -> None:
    step_ok(session, "nextEdit")
    assert session["nextEditShown"], "the old name was never struck through"
    assert session["afterNextEdits"] == RENAME.replace("total", "result"), session["afterNextEdits"]


def test_server_log_has_no_errors(session: dict[str, Any]) -> None:
    log = session["log"]
    assert "Starting " in log, "the Ghostline output channel was not logged"
    for bad in ("invalid settings", "Traceback", "Invalid Params"):
        assert bad not in log, f"{bad!r} in the Ghostline log:\n{log[-3000:]}"


def test_server_discovery_order(tmp_path: Path) -> None:
    """locate.js (no VS Code needed): the setting, then the workspace's .venv, then PATH, else none."""
    locate = EXTENSION / "out" / "locate.js"
    if not locate.exists() or not (NODE_BIN / "node").exists():
        pytest.skip("extension not built: run `make vsix`")
    ws, bindir = tmp_path / "ws", tmp_path / "bin"
    for exe in (ws / ".venv" / "bin" / "ghostline", bindir / "ghostline"):
        exe.parent.mkdir(parents=True)
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
    script = f"""
const {{ locateServer }} = require({json.dumps(str(locate))});
const none = {{ command: '', pythonPath: '' }};
console.log(JSON.stringify([
  locateServer({{ command: '/opt/gl/ghostline', pythonPath: '' }}, [{json.dumps(str(ws))}], ''),
  locateServer({{ command: '', pythonPath: '/usr/bin/python3' }}, [], ''),
  locateServer(none, [{json.dumps(str(ws))}], {json.dumps(str(bindir))}),
  locateServer(none, [{json.dumps(str(tmp_path))}], {json.dumps(str(bindir))}),
  locateServer(none, [{json.dumps(str(tmp_path))}], '/nonexistent') ?? null,
]));
"""
    out = subprocess.run([str(NODE_BIN / "node"), "-e", script], capture_output=True, text=True, check=True)
    setting, python, venv, on_path, missing = json.loads(out.stdout)
    assert setting["command"] == "/opt/gl/ghostline" and setting["prefix"] == []
    assert python["command"] == "/usr/bin/python3" and python["prefix"] == ["-m", "ghostline"]
    assert venv["command"] == str(ws / ".venv" / "bin" / "ghostline")
    assert on_path["command"] == str(bindir / "ghostline")
    assert missing is None


def node_script(script: str) -> Any:
    """Run a Node.js script against the compiled extension (out/); its JSON output."""
    if not (EXTENSION / "out" / "locate.js").exists() or not (NODE_BIN / "node").exists():
        pytest.skip("extension not built: run `make vsix`")
    out = subprocess.run([str(NODE_BIN / "node"), "-e", script], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_untrusted_workspace_never_runs_its_own_server(tmp_path: Path) -> None:
    """locate.js in Restricted Mode: nothing inside the workspace runs, whatever points at it; PATH does."""
    ws, bindir, outside = tmp_path / "ws", tmp_path / "bin", tmp_path / "opt"
    venv = executable(ws / ".venv" / "bin" / "ghostline")
    executable(ws / ".venv" / "bin" / "python")
    on_path = executable(bindir / "ghostline")
    mine = executable(outside / "ghostline")
    executable(ws / "ghostline")  # found through a relative PATH entry ('.': the workspace is the cwd)
    executable(ws / "..x" / "ghostline")  # inside, though its relative path starts with '..'
    (outside / "link").symlink_to(venv)  # a path outside that leads into the workspace
    locate = json.dumps(str(EXTENSION / "out" / "locate.js"))
    cases = {  # name: (command, pythonPath, PATH)
        "venv": ("", "", [bindir]),
        "venv-only": ("", "", []),
        "workspace-folder-setting": ("${workspaceFolder}/.venv/bin/ghostline", "", [bindir]),
        "relative-setting": (".venv/bin/ghostline", "", [bindir]),
        "link-into-workspace": (str(outside / "link"), "", [bindir]),
        "python-in-workspace": ("", "${workspaceFolder}/.venv/bin/python", [bindir]),
        "activated-venv-on-path": ("", "", [ws / ".venv" / "bin", bindir]),
        "relative-path-entry": ("", "", ["."]),
        "dotdot-folder-on-path": ("", "", [ws / "..x"]),
        "users-own-command": (str(mine), "", [bindir]),
        "missing-absolute-command": ("/nonexistent/ghostline", "", [bindir]),
    }
    calls = ",\n".join(
        f"{json.dumps(name)}: [true, false].map((trusted) => locateServer("
        f"{{ command: {json.dumps(cmd)}, pythonPath: {json.dumps(py)} }}, [{json.dumps(str(ws))}], "
        f"{json.dumps(os.pathsep.join(map(str, path)))}, trusted)?.command ?? null)"
        for name, (cmd, py, path) in cases.items()
    )
    script = f"process.chdir({json.dumps(str(ws))});\nconst {{ locateServer }} = require({locate});\n"
    script += f"console.log(JSON.stringify({{\n{calls}\n}}));"
    found = node_script(script)
    untrusted = {name: pair[1] for name, pair in found.items()}
    assert untrusted == {
        "venv": str(on_path),
        "venv-only": None,
        "workspace-folder-setting": str(on_path),
        "relative-setting": str(on_path),
        "link-into-workspace": str(on_path),
        "python-in-workspace": str(on_path),
        "activated-venv-on-path": str(on_path),
        "relative-path-entry": None,
        "dotdot-folder-on-path": None,
        "users-own-command": str(mine),
        "missing-absolute-command": "/nonexistent/ghostline",
    }
    trusted = {name: pair[0] for name, pair in found.items()}
    assert trusted["venv"] == trusted["venv-only"] == str(venv), "a trusted workspace keeps its .venv"
    assert trusted["workspace-folder-setting"] == trusted["relative-setting"] == str(venv)
    assert trusted["python-in-workspace"] == str(ws / ".venv" / "bin" / "python")


def test_untrusted_workspace_settings_do_not_pick_the_server(tmp_path: Path) -> None:
    """settings.js, a stand-in ``vscode``: in Restricted Mode the user's values count, not the workspace's.

    Those that decide what runs, what the server loads and where it sends code (package.json's list).
    """
    user = {"server.command": "/home/me/ghostline", "server.env": {"A": "1"}, "model.name": "smollm2-135m"}
    workspace = {
        "server.command": "./evil",
        "server.pythonPath": "./python",
        "server.args": ["--evil"],
        "server.env": {"LD_PRELOAD": "./evil.so"},
        "model.name": "./evil.gguf",
        "model.adapter": "./evil-lora.gguf",
        "model.nCtx": 1024,
    }
    settings = json.dumps(str(EXTENSION / "out" / "settings.js"))
    script = f"""
const Module = require('module');
const user = {json.dumps(user)}, workspace = {json.dumps(workspace)};
const defaults = {{ 'server.command': '', 'server.pythonPath': '', 'server.args': [], 'server.env': {{}},
  'model.name': 'qwen2.5-coder-0.5b', 'model.adapter': '', 'model.nCtx': 4096 }};
const layers = {{ defaultValue: defaults, globalValue: user, workspaceValue: workspace }};
const config = (section) => {{
  const prefix = section === 'ghostline.server' ? 'server.' : '';
  const inspect = (key) => Object.fromEntries(Object.entries(layers).map(([n, l]) => [n, l[prefix + key]]));
  const value = (full) => workspace[full] ?? user[full] ?? defaults[full];
  const get = (key, fallback) => {{
    const full = prefix + key;
    if (full in defaults) return value(full) ?? fallback;
    const keys = Object.keys(defaults).filter((k) => k.startsWith(full + '.')); // a whole section
    return keys.length ? Object.fromEntries(keys.map((k) => [k.slice(full.length + 1), value(k)])) : fallback;
  }};
  return {{ get, inspect }};
}};
const vscode = {{ workspace: {{ isTrusted: false, getConfiguration: config }} }};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {{
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
}};
require.cache.vscode = {{ id: 'vscode', filename: 'vscode', loaded: true, exports: vscode }};
const s = require({settings});
console.log(JSON.stringify({{
  untrusted: {{ launch: s.launchSettings(false), model: s.serverSettings(false).model }},
  trusted: {{ launch: s.launchSettings(true), model: s.serverSettings(true).model }},
  restricted: s.RESTRICTED,
}}));
"""
    found = node_script(script)
    assert found["untrusted"]["launch"] == {
        "command": "/home/me/ghostline",
        "pythonPath": "",
        "args": [],
        "env": {"A": "1"},
    }
    assert found["untrusted"]["model"] == {"name": "smollm2-135m", "adapter": "", "nCtx": 1024}
    assert found["trusted"]["launch"]["command"] == "./evil", "a trusted workspace's settings count"
    assert found["trusted"]["model"]["adapter"] == "./evil-lora.gguf"
    capability = json.loads((EXTENSION / "package.json").read_text())["capabilities"]["untrustedWorkspaces"]
    assert capability["supported"] == "limited" and capability["description"]
    assert capability["restrictedConfigurations"] == [f"ghostline.{key}" for key in found["restricted"]]


def test_untrusted_workspace_runs_no_server_until_trusted(tmp_path: Path) -> None:
    """Restricted Mode in code-server: a workspace that brings its own server runs nothing until trusted.

    Its .venv/bin/ghostline and the command its .vscode/settings.json names leave a marker when they run.
    Untrusted, the status bar says "no server" and there is no marker; trusted, the settings' command runs
    (no reload). The other session above runs with Workspace Trust off.
    """
    gone = missing_tools()
    if gone:
        message = f"VS Code toolchain missing ({', '.join(gone)}): run `make test-vscode`"
        if os.environ.get("GHOSTLINE_REQUIRE_EDITORS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    bare_path = "/usr/bin:/bin"
    if shutil.which("ghostline", path=bare_path):
        pytest.skip(f"a ghostline on {bare_path} would be a server that needs no trust")
    ws, marker = tmp_path / "ws", tmp_path / "ran"
    (ws / ".vscode").mkdir(parents=True)
    (ws / "sample.py").write_text(SAMPLE)
    real = Path(sys.executable).parent / "ghostline"
    own = {"venv": ws / ".venv" / "bin" / "ghostline", "settings": ws / "tools" / "ghostline"}
    for name, script in own.items():
        script.parent.mkdir(parents=True)
        script.write_text(f"#!/bin/sh\necho \"{name} $*\" >> '{marker}'\nexec '{real}' \"$@\"\n")
        script.chmod(0o755)
    workspace_settings = {"ghostline.server.command": "${workspaceFolder}/tools/ghostline"}
    (ws / ".vscode" / "settings.json").write_text(json.dumps(workspace_settings))
    settings = {
        "security.workspace.trust.enabled": True,
        "security.workspace.trust.startupPrompt": "never",  # Restricted Mode without the modal question
    }
    machine = {  # the user's (not the workspace's): they count in Restricted Mode
        "ghostline.server.args": ["--no-model"],
        "ghostline.server.env": {"PYTHONPATH": str(REPO / "server"), "GHOSTLINE_STATE_DIR": str(tmp_path)},
    }
    out = ARTIFACTS / "trust"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cs = CodeServer(tmp_path, settings, {"PATH": bare_path}, machine_settings=machine, workspace_trust=True)
    assert "ghostline.ghostline@" in cs.install(VSIX)
    try:
        cs.start()
        results = run_e2e(cs, ws, tmp_path, out, MODE="trust", MARKER=str(marker))
    finally:
        cs.stop()
    log = ghostline_log(tmp_path)
    for name in ("untrusted", "trust", "trusted"):
        step_ok(results, name)
    assert results["markerBeforeTrust"] is False, "a server of the untrusted workspace ran"
    assert "not starting" in log and "not trusted" in log, log[-3000:]
    ran = (results["markerAfterTrust"] or "").splitlines()
    assert ran and all(line == "settings serve --no-model" for line in ran), ran  # its settings win its .venv


STAND_IN = """
const Module = require('module');
const items = [];
const vscode = {
  StatusBarAlignment: { Left: 1, Right: 2 },
  ThemeColor: class { constructor(id) { this.id = id; } },
  window: {
    createStatusBarItem: () => { const item = { show() {}, dispose() {} }; items.push(item); return item; },
  },
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
"""


def test_status_says_thinking_only_after_a_delay() -> None:
    """status.js with a stand-in ``vscode``: words for each state; "thinking" once a request pends ~500 ms.

    Typing (one request cancelled, the next started at once) neither flickers the text nor restarts the wait.
    """
    status = json.dumps(str(EXTENSION / "out" / "status.js"))
    script = (
        STAND_IN
        + f"""
const {{ StatusItem, THINKING_DELAY_MS }} = require({status});
(async () => {{
  const s = new StatusItem();
  const seen = {{}};
  s.setBudget(2000, 20000);
  s.setState('loading', 'loading qwen2.5-coder-0.5b', 'qwen2.5-coder-0.5b');
  s.progress('ghostline-model-1', {{ kind: 'begin', title: 'Ghostline', message: 'model', percentage: 0 }});
  s.progress('ghostline-model-1', {{ kind: 'report', percentage: 40 }});
  seen.loading = [s.text, s.tooltip];
  s.progress('ghostline-model-1', {{ kind: 'end' }});
  s.setState('ready', 'qwen2.5-coder-0.5b: fim', 'qwen2.5-coder-0.5b');
  seen.ready = [s.text, s.tooltip];
  s.busy(+1);
  await sleep(150);
  seen.quick = s.text;  // a request answered fast: no "thinking"
  s.busy(-1);
  await sleep(400);
  seen.afterQuick = s.text;
  s.busy(+1);  // typing: each keystroke cancels the request and starts the next
  for (let i = 0; i < 3; i++) {{ await sleep(60); s.busy(-1); s.busy(+1); }}
  seen.typing = s.text;
  await sleep(THINKING_DELAY_MS);
  seen.pending = s.text;
  s.busy(-1); s.busy(+1);  // the next keystroke while "thinking": it stays
  seen.stays = s.text;
  s.busy(-1);
  await sleep(600);
  seen.done = s.text;
  s.setState('slow', 'slow machine: suggestions take ~4 s (budget 2000 ms)', 'qwen2.5-coder-0.5b');
  seen.slow = [s.text, s.tooltip];
  s.busy(+1);
  await sleep(THINKING_DELAY_MS + 200);
  seen.slowThinking = s.text;
  s.busy(-1);
  await sleep(600);
  seen.slowAgain = s.text;
  s.setState('offline', 'connection refused (retrying in 2 s)');
  seen.offline = s.text;
  s.setState('error', 'model file missing');
  seen.error = [s.text, s.tooltip];
  s.dispose();
  console.log(JSON.stringify(seen));
}})();
"""
    )
    seen = node_script(script)
    text = {key: value[0] if isinstance(value, list) else value for key, value in seen.items()}
    assert text["loading"].endswith("Ghostline: loading 40%"), seen
    assert text["ready"].endswith("Ghostline: ready"), seen
    tooltip = seen["ready"][1]
    assert tooltip.count("qwen2.5-coder-0.5b") == 1 and "Model: qwen2.5-coder-0.5b (fim)" in tooltip, tooltip
    assert "2000 ms" in tooltip and "maxLatencyMs" in tooltip, tooltip
    assert seen["loading"][1].count("qwen2.5-coder-0.5b") == 1, seen["loading"][1]
    for key in ("quick", "afterQuick", "typing"):
        assert text[key].endswith("Ghostline: ready"), (key, seen)
    assert text["pending"].endswith("Ghostline: thinking"), seen
    assert text["stays"].endswith("Ghostline: thinking"), seen
    assert text["done"].endswith("Ghostline: ready"), seen
    assert text["slow"].endswith("Ghostline: slow (~4 s)"), seen
    assert "suggestions take ~4 s (budget 2000 ms)" in seen["slow"][1], seen
    assert text["slowThinking"].endswith("Ghostline: thinking"), seen
    assert text["slowAgain"].endswith("Ghostline: slow (~4 s)"), seen
    assert text["offline"].endswith("Ghostline: offline"), seen
    assert text["error"].endswith("Ghostline: error") and "model file missing" in seen["error"][1], seen


def test_suggestion_ready_asks_again_only_where_it_was_asked_for() -> None:
    """ready.js: re-trigger when the active editor still shows that place, or typed on from it.

    Typed on: further on that line, or (the document changed) at most LINES_AHEAD lines below.
    """
    ready = json.dumps(str(EXTENSION / "out" / "ready.js"))
    script = f"""
const {{ shouldRetrigger, AskedPositions }} = require({ready});
const uri = 'file:///ws/a.py';
const at = {{ line: 3, character: 11 }};
const view = (over) => ({{ uri, version: 7, line: 3, character: 11, ...over }});
const asked = new AskedPositions(2);
asked.note(uri, 5, {{ line: 2, character: 4 }});
asked.note(uri, 6, {{ line: 9, character: 0 }});
asked.note(uri, 7, at);
console.log(JSON.stringify({{
  same: shouldRetrigger({{ uri, version: 7, position: at }}, view({{}})),
  typedOn: shouldRetrigger({{ uri, version: 7, position: at }}, view({{ version: 9, character: 14 }})),
  lineAbove: shouldRetrigger({{ uri, version: 7, position: at }}, view({{ version: 8, line: 2 }})),
  typedOnto: shouldRetrigger({{ uri, version: 7, position: at }}, view({{ version: 9, line: 5 }})),
  farBelow: shouldRetrigger({{ uri, version: 7, position: at }}, view({{ version: 9, line: 7 }})),
  movedDown: shouldRetrigger({{ uri, version: 7, position: at }}, view({{ line: 4 }})),
  before: shouldRetrigger({{ uri, version: 7, position: at }}, view({{ version: 8, character: 5 }})),
  otherFile: shouldRetrigger({{ uri, version: 7, position: at }}, view({{ uri: 'file:///ws/b.py' }})),
  noEditor: shouldRetrigger({{ uri, version: 7, position: at }}, undefined),
  nullSameVersion: shouldRetrigger({{ uri, version: 7, position: null }}, view({{}})),
  nullNewerVersion: shouldRetrigger({{ uri, version: 6, position: null }}, view({{ version: 8 }})),
  nullAsked: shouldRetrigger({{ uri, version: 7, position: null }}, view({{ version: 8, character: 12 }}),
    asked.get(uri, 7)),
  nullAskedMoved: shouldRetrigger({{ uri, version: 7, position: null }}, view({{ version: 8, line: 9 }}),
    asked.get(uri, 7)),
  forgotten: asked.get(uri, 5) ?? null,
}}));
"""
    assert node_script(script) == {
        "same": True,
        "typedOn": True,
        "lineAbove": False,
        "typedOnto": True,
        "farBelow": False,
        "movedDown": False,
        "before": False,
        "otherFile": False,
        "noEditor": False,
        "nullSameVersion": True,
        "nullNewerVersion": False,
        "nullAsked": True,
        "nullAskedMoved": False,
        "forgotten": None,
    }


def test_held_request_waits_for_its_document_to_be_ready() -> None:
    """ready.js ReadyWaiter: an explicit request answered empty waits for its document's suggestionReady."""
    ready = json.dumps(str(EXTENSION / "out" / "ready.js"))
    script = f"""
const {{ ReadyWaiter }} = require({ready});
(async () => {{
  const w = new ReadyWaiter();
  const a = w.wait('file:///a.py', 5000);
  const b = w.wait('file:///b.py', 5000);
  const waiting = w.size;
  w.notify({{ uri: 'file:///a.py', version: 3, position: null }});
  const first = await Promise.race([a, new Promise((r) => setTimeout(() => r('pending'), 200))]);
  const other = await Promise.race([b, new Promise((r) => setTimeout(() => r('pending'), 200))]);
  const late = await w.wait('file:///c.py', 100);
  let stop;
  const cancelled = w.wait('file:///d.py', 5000, (cb) => {{ stop = cb; return {{ dispose() {{}} }}; }});
  stop();
  console.log(JSON.stringify({{ waiting, first, other, late, cancelled: await cancelled, left: w.size }}));
  process.exit(0);
}})();
"""
    assert node_script(script) == {
        "waiting": 2,
        "first": True,
        "other": "pending",
        "late": False,
        "cancelled": False,
        "left": 1,
    }


# -- a busy machine, the default settings ------------------------------------------------------------------

LOW_BUDGET_SAMPLE = (
    "def celsius_to_fahrenheit(degrees):\n"
    '    """Convert a temperature from Celsius to Fahrenheit."""\n'
    "    return "
)


@pytest.fixture(scope="module")
def busy_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """code-server with Ghostline's default settings while a busy loop takes one of the two cores.

    test/e2e.js MODE=busy types into a fresh file and waits for ghost text; then the same with a 60 ms budget.
    """
    gone = missing_tools()
    if gone:
        message = f"VS Code toolchain missing ({', '.join(gone)}): run `make test-vscode`"
        if os.environ.get("GHOSTLINE_REQUIRE_EDITORS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("vscode-busy")
    ws = root / "ws"
    (ws / ".venv" / "bin").mkdir(parents=True)
    (ws / ".venv" / "bin" / "ghostline").symlink_to(Path(sys.executable).parent / "ghostline")
    for name in ("fresh.py", "fresh2.py"):
        (ws / name).write_text("")
    server_env = {
        "PYTHONPATH": str(REPO / "server"),
        "GHOSTLINE_MODELS_DIR": str(registry.models_dir()),
        "GHOSTLINE_STATE_DIR": str(root / "state"),
    }
    settings = {  # Ghostline's defaults (2 s budget, 20 s in the background); the typed quotes stay as typed
        "ghostline.trace.server": "verbose",
        "editor.autoClosingQuotes": "never",
        "ghostline.logLevel": "debug",  # each generation's landing is logged: what a failure report shows
    }
    out = ARTIFACTS / "busy"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cs = CodeServer(root, settings, machine_settings={"ghostline.server.env": server_env})
    assert "ghostline.ghostline@" in cs.install(VSIX)
    with busy_cpu(600):
        try:
            cs.start()
            extra = {"MODE": "busy", "FILE": "fresh.py", "SAMPLE": COMPLETION_SAMPLE}
            extra |= {"FILE2": "fresh2.py", "SAMPLE2": LOW_BUDGET_SAMPLE}
            results = run_e2e(cs, ws, root, out, **extra)
        finally:
            cs.stop()
            collect_logs(root, out)
    traces = sorted((root / "user-data" / "logs").rglob("*Ghostline Trace.log"))
    trace = "\n".join(p.read_text(errors="replace") for p in traces)
    yield {**results, "trace": trace, "story": completion_story(trace, ghostline_log(root))}


def test_busy_machine_ghost_text_with_default_settings(busy_session: dict[str, Any]) -> None:
    """Typing pauses, the 2 s budget may run out on a loaded machine; the suggestion is shown all the same."""
    step_ok(busy_session, "ready")
    step_ok(busy_session, "busyGhost")
    assert busy_session["busyGhostText"].strip(), "no ghost text"
    assert busy_session["timings"]["busyGhostAfterTypingS"] < 120, busy_session["timings"]


def completion_story(trace: str, server_log: str, last: int = 40) -> str:
    """The last inline-completion traffic and the server's statistics: what a failed busy step shows."""
    lines = []
    for head, params in trace_messages(trace):
        if "inlineCompletion" in head or "suggestionReady" in head or "cancelRequest" in head:
            kind = re.search(r'"triggerKind": (\d)', params)
            text = re.search(r'"insertText": "((?:[^"\\]|\\.)*)"', params)
            lines.append(f"{head[:80]} kind={kind and kind[1]} text={text and text[1][:40]!r}")
    server = [ln for ln in server_log.splitlines() if "landed at" in ln or "dropped after" in ln]
    stats = server_log[server_log.rfind("--- statistics") :] if "--- statistics" in server_log else ""
    return (
        "\n-- last completion traffic:\n"
        + "\n".join(lines[-last:])
        + "\n-- server:\n"
        + "\n".join([*server[-last // 2 :], stats])
    )


def trace_messages(trace: str) -> list[tuple[str, str]]:
    """(header, params) of each traced LSP message, in order."""
    parts = re.split(r"^\[Trace - [^\]]+\] ", trace, flags=re.M)
    return [(p.split("\n", 1)[0], p.split("\n", 1)[1] if "\n" in p else "") for p in parts[1:]]


def test_suggestion_ready_shows_the_suggestion_with_a_tiny_budget(busy_session: dict[str, Any]) -> None:
    """A 60 ms budget: the first answer is empty; ``ghostline/suggestionReady`` makes the extension ask again.

    The request after the notification is an explicit one (triggerKind 1, Invoked): nobody typed or ran a
    command, so only the extension's re-trigger sent it; the server answered it from its cache.
    """
    step_ok(busy_session, "lowBudget")
    assert busy_session["lowBudgetGhostText"].strip(), "no ghost text"
    messages = trace_messages(busy_session["trace"])
    ready = [i for i, (head, _) in enumerate(messages) if "'ghostline/suggestionReady'" in head]
    assert ready, "the server never sent ghostline/suggestionReady"
    fresh2 = [i for i in ready if "fresh2.py" in messages[i][1]]
    assert fresh2, [messages[i][1] for i in ready]
    asked_again = [
        i
        for i, (head, params) in enumerate(messages)
        if i > fresh2[0]
        and "'textDocument/inlineCompletion" in head
        and head.startswith("Sending request")
        and re.search(r'"triggerKind": 1\b', params)
        and "fresh2.py" in params
    ]
    assert asked_again, "no inline-completion request followed ghostline/suggestionReady"
    step_ok(busy_session, "stats")
    found = re.search(r"over budget: (\d+) \(shown when ready: (\d+)\)", busy_session["statsMessage"])
    assert found and int(found[1]) >= 1 and int(found[2]) >= 1, busy_session["statsMessage"]
