"""``eval realfill``: single lines cut from real Python, JavaScript and Java files; Ghostline beside raw."""

from __future__ import annotations

import functools
import glob
import itertools
import random
import sysconfig
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from ghostline.config import CompletionSettings
from ghostline.engine import check
from ghostline.engine.completion.context import ContextBuilder
from ghostline.engine.document import Document
from ghostline.eval.fill import FillTask, Log, engine_fill, raw_answer, summarize, uri_of
from ghostline.eval.mining import code_rows, readable
from ghostline.model.backend import Backend

LANGUAGES = ("python", "javascript", "java")
EXTENSIONS = {"python": ".py", "javascript": ".js", "java": ".java"}
VARIANTS = ("ghostline", "raw")
Progress = Callable[[int, int, str], None]


def default_sources() -> dict[str, list[str]]:
    """Real code installed on this machine that Ghostline did not write (a zip takes ``!prefix``)."""
    purelib = sysconfig.get_paths()["purelib"]
    python = [f"{purelib}/{name}" for name in ("attr", "click", "detect_secrets", "jinja2")]
    javascript = ["/usr/lib/node_modules/npm/lib", "editor-clients/vscode/node_modules/vscode-jsonrpc/lib"]
    zips = [z for z in sorted(glob.glob("/usr/lib/jvm/*/lib/src.zip")) if Path(z).is_file()]
    return {"python": python, "javascript": javascript, "java": [f"{z}!java.base/java/" for z in zips[:1]]}


@dataclass(frozen=True)
class Source:
    """A folder of source files, or a zip of them (``path.zip!prefix``)."""

    spec: str

    @property
    def root(self) -> Path:
        """The folder or the zip file."""
        return Path(self.spec.split("!", 1)[0])

    @property
    def label(self) -> str:
        """The project's name (a folder called lib or src is named by its parent)."""
        root = self.root
        if root.suffix == ".zip":
            return root.parent.parent.name
        return root.parent.name if root.name in ("lib", "src") else root.name

    def exists(self) -> bool:
        """Whether the folder or zip is there."""
        return self.root.is_dir() or self.root.is_file()

    def names(self, language: str) -> list[str]:
        """The paths of the language's files inside the source, sorted."""
        return list(_names(self.spec, language))

    def read(self, name: str) -> str | None:
        """One file's text (None when unreadable or not UTF-8)."""
        try:
            if self.root.is_file():
                with zipfile.ZipFile(self.root) as z:
                    data = z.read(name)
            else:
                data = (self.root / name).read_bytes()
            return data.decode("utf-8").replace("\r\n", "\n")
        except (OSError, KeyError, UnicodeDecodeError):
            return None


@cache
def _names(spec: str, language: str) -> tuple[str, ...]:
    """The language's files of a source spec (listed once)."""
    root, _, prefix = spec.partition("!")
    ext, path = EXTENSIONS[language], Path(root)
    if path.is_file():
        with zipfile.ZipFile(path) as z:
            return tuple(sorted(n for n in z.namelist() if n.startswith(prefix) and n.endswith(ext)))
    if not path.is_dir():
        return ()
    found = (p.relative_to(path).as_posix() for p in check.collect([path]))
    return tuple(sorted(n for n in found if n.endswith(ext)))


def cut_tasks(language: str, sources: list[Source], seed: int, count: int) -> list[FillTask]:
    """``count`` tasks of one language: seeded files (the sources in turn), one seeded code line in each.

    Any line holding code may be drawn (closers included, at their natural rate); blank lines and lines
    wholly inside a comment or a string are not. A larger ``count`` extends a smaller one's choice.
    """
    rng = random.Random(f"{seed}:{language}")
    lists = []
    for src in sources:
        names = src.names(language)
        rng.shuffle(names)
        lists.append([(src, name) for name in names])
    pool = [item for group in itertools.zip_longest(*lists) for item in group if item is not None]
    tasks: list[FillTask] = []
    for src, name in pool:
        if len(tasks) >= count:
            break
        text = src.read(name)
        if text is None or not readable(text) or text.count("\n") < 10:
            continue
        rows = code_rows(language, text)
        if rows:
            row = rng.choice(rows)
            folder = str(src.root) if src.root.is_dir() else ""
            task_id = f"{language}/{src.label}/{name}:{row + 1}"
            tasks.append(FillTask(task_id, language, src.label, name, text, row, root=folder))
    return tasks


def neighbours(task: FillTask, source: Source, language: str, tabs: int) -> list[Document]:
    """Up to ``tabs`` files of the task's folder next to it by name: the tabs open beside it."""
    if tabs <= 0:
        return []
    folder = PurePosixPath(task.path).parent
    names = [n for n in source.names(language) if PurePosixPath(n).parent == folder]
    at = names.index(task.path) if task.path in names else 0
    order = sorted(range(len(names)), key=lambda i: (abs(i - at), i))
    docs = []
    for name in (names[i] for i in order):
        text = source.read(name)
        if text is not None and name != task.path and readable(text):
            docs.append(Document(uri_of(task.root, task.project, name), text))
        if len(docs) >= tabs:
            break
    return docs


def run(
    backend: Backend,
    settings: CompletionSettings,
    sources: dict[str, list[Source]],
    log: Log,
    seed: int = 0,
    count: int = 30,
    tabs: int = 2,
    raw_tokens: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every language's tasks in one editor session each: open, complete (Ghostline, then raw), close.

    The languages take turns (one task of each in turn), so a run cut short still covers all of them.
    """
    raw_tokens = raw_tokens or settings.context_tokens
    tasks = {lang: cut_tasks(lang, sources[lang], seed, count) for lang in LANGUAGES if sources.get(lang)}
    order = [t for group in itertools.zip_longest(*tasks.values()) for t in group if t is not None]
    builders = {language: ContextBuilder() for language in tasks}
    exact = dict.fromkeys(VARIANTS, 0)
    records: list[dict[str, Any]] = []
    for done, task in enumerate(order, 1):
        builder, language = builders[task.language], task.language
        text, offset = task.gapped()
        doc = Document(task.uri, text)
        record = log.get("ghostline", task.task_id)
        if record is None:
            builder.root = task.root  # the workspace folder ('' for a zip's members)
            source = next(s for s in sources[language] if s.label == task.project)
            others = neighbours(task, source, language, tabs)
            solve = functools.partial(engine_fill, backend, builder, doc, offset, settings, others)
            record = log.answer("ghostline", task, solve)
        raw = log.answer("raw", task, functools.partial(raw_answer, backend, text, offset, raw_tokens))
        records += [record, raw]
        builder.forget(doc)
        exact["ghostline"] += record["exact"]
        exact["raw"] += raw["exact"]
        if progress is not None:
            progress(done, len(order), f"exact: Ghostline {exact['ghostline']}, raw {exact['raw']}")
    return {
        "benchmark": "realfill",
        "seed": seed,
        "tasks_per_language": count,
        "tabs": tabs,
        "raw_tokens": raw_tokens,
        "sources": {lang: [s.spec for s in srcs] for lang, srcs in sources.items()},
        "versus": ["ghostline", "raw"],
        "summary": summarize(records, VARIANTS, "language", ("ghostline", "raw")),
        "per_task": [_brief(r) for r in records],
        "log": str(log.path),
    }


def _brief(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("task_id", "variant", "exact", "edit_sim", "empty", "target", "answer")
    return {k: record[k] for k in keys}
