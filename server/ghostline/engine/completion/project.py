"""What the project knows about the names at the cursor: definitions from other files, ranked and trimmed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

from ghostline.engine.workspace.index import Entry, WorkspaceIndex
from ghostline.syntax import languages

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Run over whole documents on each completion: every repetition is bounded or stays on one line, so a
# document of blank lines or of unfinished imports costs linear time (a \s* that spans lines took 6 s on
# 20,000 blank lines, holding the GIL).
_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+\S+[ \t]+import\b.*|import\b.*|(?:const|let|var)[ \t].*\brequire\(.*|#include\b.*"
    r"|use[ \t].*|package[ \t].*)$",
    re.MULTILINE,
)
_NAMES_IMPORTED = (
    re.compile(r"^[ \t]*from[ \t]+\S+[ \t]+import[ \t]+(\([^)]{0,4000}\)|[^\n]*)", re.MULTILINE),  # Python
    re.compile(r"^[ \t]*import[ \t]+(?:type[ \t]+)?([^;'\"]{0,500}?)[ \t]+from[ \t]", re.MULTILINE),  # JS/TS
    re.compile(r"^[ \t]*(?:const|let|var)[ \t]+(\{[^}]{0,2000}\}|\w+)[ \t]*=[ \t]*require\(", re.MULTILINE),
    re.compile(r"^[ \t]*import[ \t]+(?:static[ \t]+)?[\w.]{0,400}\.(\w{1,200})[ \t]*;", re.MULTILINE),  # Java
)
IMPORTS_SCANNED = 200_000
"""Characters of a document searched for names imported one by one (imports come first)."""
_IMPORT_WORDS = frozenset(("as", "type", "typeof", "from", "import", "default"))
NEAR_LINES = 2
"""Names on the cursor's line and this many lines above it are looked up before any other."""
AMBIGUOUS = 4
"""A name defined in more files than this tells the model little unless one of them is imported."""
METHODS_PER_CLASS = 8
MODULE_ENTRIES = 12
"""Top-level definitions shown for a module used at the cursor (``geometry.`` → what geometry defines)."""
_COMMON_WORDS = (
    "and as assert async await break case catch class const continue def default del delete do",
    "elif else enum except export extends false final finally for from func function global go if",
    "impl import in instanceof interface is let match mod module new nil none not null or package",
    "pass private protected pub public raise return self static struct super switch this throw",
    "throws trait true try type typeof undefined use var void while with yield fn mut ref int str",
    "float bool list dict set tuple len range print object string number boolean any char long",
    "double byte short console log require exports None True False Self cls args kwargs err error",
    "value result data item items key keys name names index count size length i j k n x y z",
)
COMMON = frozenset(word for line in _COMMON_WORDS for word in line.split())
"""Keywords, builtins and names too common to look up."""


Index = WorkspaceIndex
"""What completion reads definitions from (tests may pass a stand-in with the same methods)."""


@dataclass(frozen=True)
class Section:
    """Text shown to the model as one file of the project (a path and what is in it)."""

    path: str
    text: str


def names_near(text: str, cursor: int) -> list[str]:
    """Identifiers in ``text`` worth looking up, the ones nearest ``cursor`` first.

    Attribute chains count component by component (``self.store.load`` → ``store``, ``load``).
    """
    last: dict[str, int] = {}
    for match in _NAME.finditer(text):
        name = match.group()
        if len(name) < 3 or name in COMMON or (name.isupper() and len(name) < 4):
            continue
        distance = abs(cursor - match.start())
        last[name] = min(distance, last.get(name, distance))
    return sorted(last, key=lambda n: (last[n], n))


_COMMENTS = re.compile(
    r"/\*.*?(?:\*/|\Z)"  # a block comment (to the end of the text when it does not close)
    r"|\"\"\".*?(?:\"\"\"|\Z)|'\'\'.*?(?:'\'\'|\Z)"  # a docstring
    r"|(?:^|(?<=\s))(?://|#)[^\n]*"  # a line comment (not the // of a URL inside a string)
    r"|^[ \t]*\*[^\n]*",  # a line inside a block comment opened above the text
    re.DOTALL | re.MULTILINE,
)


def code_only(text: str) -> str:
    """``text`` without its comments and docstrings (roughly: for picking names, not for parsing).

    A block comment closed in ``text`` but opened before it is dropped up to its end.
    """
    end = text.find("*/")
    if end >= 0 and text.find("/*", 0, end) < 0:
        text = text[end + 2 :]
    return _COMMENTS.sub("", text)


def imported_names(text: str) -> list[str]:
    """Names the document imports one by one, in order (``from m import a, b as c`` → a, b).

    An alias counts by its original name, the one a definition in another file has.
    """
    found: dict[str, None] = {}
    head = text[:IMPORTS_SCANNED]
    for pattern in _NAMES_IMPORTED:
        for match in pattern.finditer(head):
            part = re.sub(r"\bas\s+\w+|:\s*\w+", "", match.group(1))  # ``a as b``, ``{a: b}`` → a
            for name in _NAME.findall(part):
                if name not in _IMPORT_WORDS and len(name) >= 3:
                    found[name] = None
    return list(found)


def ranked(window: str, cursor: int, imports: list[str]) -> list[str]:
    """The names to look up, best first.

    First those of the lines at the cursor, then imported names the window does not use yet (what the code
    there is about to call), then the other imported ones, then the window's other names, nearest first.
    """
    line_start = window.rfind("\n", 0, cursor) + 1
    for _ in range(NEAR_LINES):
        line_start = window.rfind("\n", 0, max(line_start - 1, 0)) + 1
    near = names_near(window, cursor)
    close = names_near(window[line_start:cursor], cursor - line_start) + names_near(window[cursor:], 0)[:2]
    body = _IMPORT.sub("", _NAMES_IMPORTED[0].sub("", window))
    used = set(_NAME.findall(body))
    unused = [n for n in imports if n not in used]
    order = [*close, *unused, *(n for n in imports if n in used), *near]
    return list(dict.fromkeys(n for n in order if n not in COMMON))


def imported(text: str) -> set[str]:
    """The last components of every module or file named in the document's imports (``a.b.c`` → ``c``)."""
    stems: set[str] = set()
    for line in _IMPORT.findall(text):
        for word in re.findall(r"[A-Za-z_][\w./-]*", line):
            stems.add(re.split(r"[./-]", word.rstrip("./"))[-1])
    return stems


def definitions(
    index: Index,
    names: Iterable[str],
    here: str,
    window: tuple[int, int],
    imports: set[str],
    budget: int,
    comment: str,
) -> tuple[Section, ...]:
    """Sections of the definitions of ``names`` in the index, trimmed to ``budget`` characters.

    A definition in the current file ``here`` counts only outside the lines of ``window`` (the model sees
    those already). Sections come sorted by path, so the block reads the same for the same choice.
    """
    chosen: dict[tuple[str, int], Entry] = {}
    used = 0
    for name in names:
        found = index.lookup(name)
        if not found and name in imports:  # a module used here (``geometry.``): what it defines at top level
            found = [e for path in index.files_named(name) for e in index.entries_in(path) if not e.container]
        for entry in _pick(found, here, window, imports, MODULE_ENTRIES if name in imports else 2):
            key = (entry.path, entry.start_line)
            if key in chosen:
                continue
            cost = len(_render(entry, comment, index)) + len(entry.path) + 2
            if used + cost > budget:
                continue
            chosen[key] = entry
            used += cost
        if used >= budget:
            break
    by_path: dict[str, list[Entry]] = {}
    for entry in sorted(chosen.values(), key=lambda e: (e.path, e.start_line)):
        by_path.setdefault(entry.path, []).append(entry)
    return tuple(
        Section(path, "".join(_render(e, comment, index) for e in entries))
        for path, entries in by_path.items()
    )


def _pick(
    found: list[Entry], here: str, window: tuple[int, int], imports: set[str], most: int
) -> list[Entry]:
    """The entries worth showing: not inside the window, and from imported files when there are any."""
    outside = [e for e in found if e.path != here or e.end_line < window[0] or e.start_line > window[1]]
    from_imported = [e for e in outside if e.path == here or PurePath(e.path).stem in imports]
    if from_imported or len(outside) > AMBIGUOUS:  # the one the document imports, not its namesakes
        outside = from_imported
    ranked = sorted(outside, key=lambda e: (PurePath(e.path).stem not in imports, e.kind == "method"))
    return ranked[:most]


def _render(entry: Entry, comment: str, index: Index) -> str:
    """A definition as the model would see it in its file: doc, signature and, for a class, its methods."""
    lines = [f"{comment} {line}".rstrip() for line in entry.doc.splitlines()[:4]] if entry.doc else []
    signature = entry.signature.strip()
    if entry.language == "python":
        doc = f'\n    """{entry.doc.splitlines()[0].strip()}"""' if entry.doc else ""
        lines = [signature + doc + ("" if entry.kind == "class" else "\n    ...")]
    else:
        lines.append(signature + (" { … }" if not signature.endswith("{") else " … }"))
    if entry.kind == "class":
        methods = [
            e for e in index.entries_in(Path(entry.path)) if e.container == entry.name and e.kind == "method"
        ][:METHODS_PER_CLASS]
        indent = "    " if entry.language == "python" else "  "
        lines += [
            indent + m.signature.strip() + (" ..." if entry.language == "python" else "") for m in methods
        ]
    return "\n".join(lines) + "\n\n"


def comment_of(language: str | None) -> str:
    """The line-comment marker of a language ('#' when unknown)."""
    return languages.spec(language).line_comment if language else "#"
