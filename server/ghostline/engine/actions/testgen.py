"""'Generate tests': a pytest module (or a JS/TS test file) next to the project's tests, never run."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from ghostline.engine.actions import verify
from ghostline.engine.actions.chat import ask_for_code, fence_name
from ghostline.engine.actions.edits import ActionFailed, Edit, FileChange
from ghostline.engine.document import Document
from ghostline.engine.text import to_bytes
from ghostline.engine.uris import to_path
from ghostline.model.backend import Backend
from ghostline.syntax.definitions import Definition, find_definitions
from ghostline.syntax.tree import parse

ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "package.json", ".git")
TEMPERATURES = (0.0, 0.5, 0.8)
SYSTEM = "You are Ghostline. You write focused, correct unit tests. Reply with code only."


def file_path(uri: str) -> Path:
    """The filesystem path of a file:// URI (or the URI itself when it is a plain path)."""
    return Path(to_path(uri) or uri)


def project_root(path: Path) -> Path:
    """The nearest folder above ``path`` with a project marker (else its own folder)."""
    for folder in path.parents:
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return path.parent


def python_module(path: Path, root: Path) -> str:
    """The dotted module name tests import ``path`` by (packages by ``__init__.py``; ``src`` layout)."""
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").exists() and folder != root:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


def test_file_for(path: Path, language: str) -> Path:
    """Where the tests for ``path`` go: the project's tests folder for Python, beside it for JS/TS."""
    root = project_root(path)
    if language == "python":
        folder = next((root / n for n in ("tests", "test") if (root / n).is_dir()), path.parent)
        return folder / f"test_{path.stem}.py"
    style = "spec" if any(path.parent.glob(f"*.spec{path.suffix}")) else "test"
    return path.with_name(f"{path.stem}.{style}{path.suffix}")


def _js_header(path: Path, test_path: Path, name: str, language: str) -> str:
    root = project_root(path)
    package = root / "package.json"
    deps: dict[str, str] = {}
    module_type = ""
    if package.is_file():
        try:
            data = json.loads(package.read_text(encoding="utf-8"))
            deps = {**data.get("dependencies", {}), **data.get("devDependencies", {})}
            module_type = str(data.get("type", ""))
        except (ValueError, OSError):
            pass
    rel = os.path.relpath(path.with_suffix(""), test_path.parent)
    rel = rel if rel.startswith(".") else f"./{rel}"
    esm = module_type == "module" or language != "javascript" or "vitest" in deps
    lines = ["import { describe, expect, it } from 'vitest';"] if "vitest" in deps else []
    if "mocha" in deps and "jest" not in deps:
        lines.append("const assert = require('assert');" if not esm else "import assert from 'assert';")
    lines.append(f"import {{ {name} }} from '{rel}';" if esm else f"const {{ {name} }} = require('{rel}');")
    return "\n".join(lines) + "\n"


def header_for(doc: Document, d: Definition, test_path: Path) -> str:
    """The import lines a new test file starts with."""
    path, name = file_path(doc.uri), d.name
    if doc.language == "python":
        return f"import pytest\n\nfrom {python_module(path, project_root(path))} import {name}\n"
    return _js_header(path, test_path, name, doc.language or "javascript")


def generate_tests(
    doc: Document, d: Definition, backend: Backend, should_stop: Callable[[], bool] = lambda: False
) -> FileChange:
    """The test file to create, or the tests to append to the existing one."""
    language = doc.language or "python"
    test_path = test_file_for(file_path(doc.uri), language)
    existing = test_path.read_text(encoding="utf-8") if test_path.is_file() else ""
    header = header_for(doc, d, test_path)
    code = (d.node.text or b"").decode("utf-8", "replace")
    name = d.name
    framework = "pytest" if language == "python" else "the project's test framework"
    user = (
        f"Write {framework} unit tests for `{name}`. It is imported like this:\n```{fence_name(language)}\n"
        f"{header}```\nCover normal cases and edge cases with exact expected values. Do not redefine "
        f"`{name}`.\n\n```{fence_name(language)}\n{code}\n```"
    )
    reason = "the model wrote no tests"
    for temperature in TEMPERATURES:
        body = ask_for_code(backend, SYSTEM, user, language, temperature=temperature, should_stop=should_stop)
        body = _without(language, body, name, header)
        new_text = (
            (existing.rstrip("\n") + "\n\n\n" if existing else header + "\n\n") + body.strip("\n") + "\n"
        )
        if "test" not in body:
            continue
        if (problem := verify.check(language, existing, new_text, len(existing), len(new_text))) is None:
            if existing:
                return FileChange(
                    str(test_path),
                    existing,
                    [Edit(len(existing), len(existing), new_text[len(existing) :])],
                    False,
                )
            return FileChange(str(test_path), "", [Edit(0, 0, new_text)], True)
        reason = problem
    raise ActionFailed(f"Ghostline could not write valid tests for '{name}': {reason}; nothing was changed.")


def _without(language: str, body: str, name: str, header: str) -> str:
    """The model's tests minus lines already in the header and any redefinition of ``name``."""
    lines = [line for line in body.split("\n") if not (line.strip() and line.strip() in header)]
    body = "\n".join(lines)
    data = to_bytes(body)
    for d in reversed(find_definitions(language, parse(language, data).root_node)):
        if d.name == name and d.node.parent is not None and d.node.parent.parent is None:
            data = data[: d.node.start_byte] + data[d.node.end_byte :]
    return data.decode("utf-8", "replace").strip("\n")
