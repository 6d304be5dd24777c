"""Project context in the prompt: definitions from the workspace index and the session's recent edits."""

from __future__ import annotations

from pathlib import Path, PurePath

from ghostline.config import CompletionSettings
from ghostline.engine.completion.context import ContextBuilder
from ghostline.engine.completion.project import imported, imported_names, names_near, ranked
from ghostline.engine.completion.prompt import build_prompt
from ghostline.engine.document import Document, Pos
from ghostline.engine.edits import EditLog
from ghostline.engine.workspace.entry import Entry
from ghostline.engine.workspace.limits import IndexLimits
from ghostline.model import fim

QWEN = fim.by_name("qwen")
SETTINGS = CompletionSettings(context_tokens=256, definition_tokens=256, recent_edits=3)


class Index:
    """A stand-in for the workspace index: a fixed list of entries."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries

    def lookup(self, name: str) -> list[Entry]:
        return [e for e in self.entries if e.name == name]

    def entries_in(self, path: PurePath) -> list[Entry]:
        return [e for e in self.entries if e.path == str(path)]

    @property
    def files(self) -> int:
        return len({e.path for e in self.entries})

    def files_named(self, stem: str) -> list[Path]:
        return sorted({Path(e.path) for e in self.entries if Path(e.path).stem == stem})

    def files_in(self, folder: str) -> list[str]:
        return sorted({e.path for e in self.entries if str(PurePath(e.path).parent) == folder})

    limits = IndexLimits()


STORE = [
    Entry("Store", "class", "/ws/app/store.py", "python", 0, 30, "class Store:", "Keeps records on disk."),
    Entry(
        "load", "method", "/ws/app/store.py", "python", 4, 9, "def load(self, key: str) -> dict:", "", "Store"
    ),
    Entry(
        "save",
        "method",
        "/ws/app/store.py",
        "python",
        10,
        15,
        "def save(self, key: str, record: dict) -> None:",
        "",
        "Store",
    ),
    Entry(
        "parse_record",
        "function",
        "/ws/app/records.py",
        "python",
        0,
        5,
        "def parse_record(line: str, *, strict: bool = False) -> dict:",
        "One record from a CSV line.",
    ),
    Entry("unrelated_helper", "function", "/ws/app/misc.py", "python", 0, 3, "def unrelated_helper():", ""),
]
SOURCE = (
    "from app.store import Store\n\n\n"
    "def import_file(path):\n"
    "    store = Store()\n"
    "    for line in open(path):\n"
    "        record = parse_record(line)\n"
    "        store.\n"
)
CURSOR = SOURCE.index("store.\n") + len("store.")


def builder() -> ContextBuilder:
    b = ContextBuilder()
    b.index, b.root = Index(STORE), "/ws"
    return b


def test_names_near_the_cursor_come_nearest_first_without_keywords() -> None:
    names = names_near("def f(path):\n    rows = parse_record(path)\n    return rows", 30)
    assert names[0] in ("rows", "parse_record") and "def" not in names and "return" not in names
    assert imported("from app.store import Store\nimport os.path\n") >= {"store", "Store", "path"}


IMPORTS = """from ..strategies import configure_passthrough
from ..cols import (is_named,
    unstructure_factory as factory)
import {Widget, makeThing as mk} from './a';
const {alpha_x, beta_y} = require('./c');
import static org.junit.Assert.assertEquals;
"""


def test_names_imported_one_by_one_count_by_their_original_names() -> None:
    assert imported_names(IMPORTS) == [
        "configure_passthrough", "is_named", "unstructure_factory", "Widget", "makeThing", "alpha_x",
        "beta_y", "assertEquals",
    ]  # fmt: skip


def test_hostile_documents_cost_linear_time_and_imports_still_count() -> None:
    """Each was quadratic once (minutes here, holding the GIL on every completion request).

    Unfinished imports (JS, Python, a dotted name without end), and blank lines.
    """
    unfinished = "import x\n" * 10_000 + "from a import (\n" * 5_000 + "import " + "a." * 50_000 + "\n"
    hostile = unfinished + "\n" * 200_000
    assert imported_names(hostile) == []
    assert {"x", "a"} <= imported(hostile)
    assert imported_names("\n" * 100_000 + IMPORTS)[:2] == ["configure_passthrough", "is_named"]


def test_the_cursor_lines_come_first_then_imports_not_used_yet() -> None:
    window = IMPORTS + "x = factory(is_named(y))\n\ntotal = compute_sum(rows)\n    "
    order = ranked(window, len(window), imported_names(IMPORTS))
    assert set(order[:3]) == {"compute_sum", "total", "rows"}
    rest = order[order.index("configure_passthrough") :]
    assert rest.index("configure_passthrough") < rest.index("is_named")  # unused so far: what comes next
    assert rest.index("unstructure_factory") < rest.index("is_named")  # used under an alias only


def test_the_definitions_of_names_used_here_come_from_other_files_with_their_signatures() -> None:
    doc = Document("file:///ws/app/importer.py", SOURCE)
    ctx = builder().build(doc, CURSOR, SETTINGS, [])
    paths = [s.path for s in ctx.definitions]
    assert paths == ["app/records.py", "app/store.py"]  # sorted by path: the block reads the same each time
    text = "".join(s.text for s in ctx.definitions)
    assert "def parse_record(line: str, *, strict: bool = False) -> dict:" in text
    assert (
        "class Store:" in text and "def load(self, key: str) -> dict:" in text
    )  # a class brings its methods
    assert "unrelated_helper" not in text
    assert QWEN is not None
    prompt = build_prompt(ctx, QWEN)
    assert prompt.startswith("<|repo_name|>ws\n<|file_sep|>app/records.py\n")
    assert "<|file_sep|>importer.py\n<|fim_prefix|>" in prompt


def test_the_definitions_block_stays_put_while_typing_in_the_function() -> None:
    doc, b = Document("file:///ws/app/importer.py", SOURCE), builder()
    first = b.build(doc, CURSOR, SETTINGS, [])
    for i, ch in enumerate("save(re"):
        at = doc.position_at(CURSOR + i)
        doc.apply_change(ch, at, at)
        doc.reparse()
        later = b.build(doc, CURSOR + i + 1, SETTINGS, [])
        assert later.definitions == first.definitions and later.prefix == first.prefix


def test_the_budget_trims_the_block_and_zero_turns_it_off() -> None:
    doc = Document("file:///ws/app/importer.py", SOURCE)
    small = builder().build(doc, CURSOR, CompletionSettings(definition_tokens=30), [])
    assert sum(len(s.text) for s in small.definitions) <= 30 * 3.5
    assert builder().build(doc, CURSOR, CompletionSettings(definition_tokens=0), []).definitions == ()


def test_recent_edits_show_as_diffs_but_not_the_one_being_typed() -> None:
    doc, b = Document("file:///ws/app/importer.py", SOURCE), builder()
    b.edits = log = EditLog()

    def type_at(offset: int, text: str) -> None:
        at = doc.position_at(offset)
        log.record(doc.uri, doc.text, offset, offset, text)
        doc.apply_change(text, at, Pos(at.line, at.character))
        doc.reparse()

    type_at(SOURCE.index("(path):") + len("(path"), ", strict")  # the user edits the header ...
    assert b.build(doc, doc.text.index("strict") + 6, SETTINGS, []).edits == ""  # ... still typing there
    cursor = doc.text.index("store.\n") + len("store.")
    ctx = b.build(doc, cursor, SETTINGS, [])  # ... then moves on
    assert ctx.edits == (
        "--- a/app/importer.py\n+++ b/app/importer.py\n@@ -4,1 +4,1 @@\n"
        "-def import_file(path):\n+def import_file(path, strict):\n"
    )
    type_at(cursor, "sa")
    assert b.build(doc, cursor + 2, SETTINGS, []).edits == ctx.edits  # stable while typing elsewhere
    assert QWEN is not None and "<|file_sep|>recent_edits.diff\n--- a/app/importer.py" in build_prompt(
        ctx, QWEN
    )


def test_a_module_used_at_the_cursor_brings_what_it_defines() -> None:
    source = "import records\n\n\ndef load(lines):\n    return [records.\n"
    doc = Document("file:///ws/app/loader.py", source)
    ctx = builder().build(doc, source.index("records.\n") + len("records."), SETTINGS, [])
    assert [s.path for s in ctx.definitions] == ["app/records.py"]
    assert "def parse_record(line: str, *, strict: bool = False) -> dict:" in ctx.definitions[0].text
