"""The languages Ghostline parses, each from its official tree-sitter grammar wheel."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath

from tree_sitter import Language


@dataclass(frozen=True)
class LanguageSpec:
    """How to load one grammar and recognise its files."""

    name: str
    module: str
    function: str
    extensions: tuple[str, ...]
    language_ids: tuple[str, ...]
    line_comment: str


SPECS: tuple[LanguageSpec, ...] = (
    LanguageSpec("python", "tree_sitter_python", "language", (".py", ".pyi", ".pyw"), ("python",), "#"),
    LanguageSpec(
        "javascript",
        "tree_sitter_javascript",
        "language",
        (".js", ".mjs", ".cjs", ".jsx"),
        ("javascript", "javascriptreact"),
        "//",
    ),
    LanguageSpec(
        "typescript",
        "tree_sitter_typescript",
        "language_typescript",
        (".ts", ".mts", ".cts"),
        ("typescript",),
        "//",
    ),
    LanguageSpec(
        "tsx", "tree_sitter_typescript", "language_tsx", (".tsx",), ("typescriptreact", "tsx"), "//"
    ),
    LanguageSpec("rust", "tree_sitter_rust", "language", (".rs",), ("rust",), "//"),
    LanguageSpec("go", "tree_sitter_go", "language", (".go",), ("go",), "//"),
    LanguageSpec("java", "tree_sitter_java", "language", (".java",), ("java",), "//"),
    LanguageSpec("c", "tree_sitter_c", "language", (".c", ".h"), ("c",), "//"),
    LanguageSpec(
        "cpp",
        "tree_sitter_cpp",
        "language",
        (".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx"),
        ("cpp", "c++"),
        "//",
    ),
    LanguageSpec("lua", "tree_sitter_lua", "language", (".lua",), ("lua",), "--"),
    LanguageSpec(
        "bash", "tree_sitter_bash", "language", (".sh", ".bash"), ("shellscript", "bash", "sh"), "#"
    ),
)

_BY_NAME = {spec.name: spec for spec in SPECS}
_BY_ID = {lid: spec for spec in SPECS for lid in spec.language_ids}
_BY_EXT = {ext: spec for spec in SPECS for ext in spec.extensions}


def names() -> list[str]:
    """Every supported language name."""
    return [spec.name for spec in SPECS]


def spec(name: str) -> LanguageSpec:
    """The spec of a language by its Ghostline name (raises KeyError)."""
    return _BY_NAME[name]


def detect(language_id: str | None, path: str | None) -> LanguageSpec | None:
    """Pick the language from the LSP ``languageId``, falling back to the file extension."""
    if language_id and (found := _BY_ID.get(language_id.lower())):
        return found
    if path:
        return _BY_EXT.get(PurePath(path).suffix.lower())
    return None


@cache
def load(name: str) -> Language:
    """The compiled tree-sitter ``Language`` for a language name (loaded once)."""
    s = _BY_NAME[name]
    module = importlib.import_module(s.module)
    return Language(getattr(module, s.function)())
