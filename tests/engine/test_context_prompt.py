"""What the model sees: the context builder's window, head and snippets, and the prompt's layout."""

from __future__ import annotations

import itertools

from ghostline.config import CompletionSettings
from ghostline.engine.completion.context import MAX_DEFINED_CHARS, MAX_OTHERS, ContextBuilder
from ghostline.engine.completion.generate import prompt_for
from ghostline.engine.completion.project import code_only
from ghostline.engine.completion.prompt import build_prompt, healed, unheal
from ghostline.engine.completion.window import MIDDLE_LINES, SUFFIX_LINES
from ghostline.engine.document import Document
from ghostline.model import fim
from ghostline.model.fake import FakeBackend

QWEN = fim.by_name("qwen")
SETTINGS = CompletionSettings(context_tokens=64, cross_file_tokens=64)
BODY = "".join(f"    step_{i} = {i}\n" for i in range(40))
CALL = "    total = step_helper(step_30, step_31)\n"
SOURCE = f"import os\n\n\ndef run(path):\n{BODY}{CALL}    return pa\n\n\nprint(run('.'))\n"
CURSOR = SOURCE.index("    return pa") + len("    return pa")
HELPER = "def step_helper(step_30, step_31):\n    return step_32 + step_33\n"


def test_the_window_starts_before_the_cursor_and_imports_and_header_come_first() -> None:
    doc = Document("file:///p/a.py", SOURCE)
    ctx = ContextBuilder().build(doc, CURSOR, SETTINGS, [])
    assert ctx.line_before == "    return pa" and ctx.suffix.startswith("\n\n\nprint(run('.'))")
    assert SOURCE[: CURSOR - len(ctx.line_before)].endswith(ctx.prefix)
    assert not ctx.prefix.startswith("import os")  # the window is smaller than the file
    assert ctx.head == "import os\ndef run(path):\n"  # so the imports and the enclosing header come first
    assert ctx.mode == "single" and ctx.offset == CURSOR and ctx.errors == 0


def test_the_window_start_stays_put_while_typing() -> None:
    doc, builder = Document("file:///p/a.py", SOURCE), ContextBuilder()
    first = builder.build(doc, CURSOR, SETTINGS, [])
    pos = doc.position_at(CURSOR)
    doc.apply_change("th", pos, pos)
    doc.reparse()
    second = builder.build(doc, CURSOR + 2, SETTINGS, [])
    assert second.prefix == first.prefix and second.head == first.head  # the prompt's start is stable
    assert second.line_before == "    return path"


def test_snippets_come_from_other_documents_of_the_language_that_define_a_name_used_here() -> None:
    other = Document("file:///p/helpers.py", HELPER)
    unrelated = Document("file:///p/notes.md", "step_1 step_2 step_3 step_helper")
    doc = Document("file:///p/a.py", SOURCE)
    ctx = ContextBuilder().build(doc, CURSOR, SETTINGS, [other, unrelated])
    assert [s.path for s in ctx.snippets] == ["helpers.py"]


def test_a_document_that_only_shares_words_gives_no_snippet_open_or_recently_closed() -> None:
    """Words in common are not relevance: a file that defines nothing used here stays out of the prompt."""
    lookalike = Document("file:///p/steps.py", "def unrelated(step_30, step_31):\n    return step_32\n")
    doc, builder = Document("file:///p/a.py", SOURCE), ContextBuilder()
    assert builder.build(doc, CURSOR, SETTINGS, [lookalike]).snippets == ()
    builder.forget(lookalike)  # closed: a recent document, under the same rule
    assert ContextBuilder().build(doc, CURSOR, SETTINGS, []).snippets == ()
    assert builder.build(Document("file:///p/b.py", SOURCE), CURSOR, SETTINGS, []).snippets == ()


def test_a_closed_document_of_another_workspace_folder_gives_no_snippet() -> None:
    helper = Document("file:///elsewhere/helpers.py", HELPER)
    doc, builder = Document("file:///p/a.py", SOURCE), ContextBuilder()
    builder.forget(helper)
    assert [s.path for s in builder.build(doc, CURSOR, SETTINGS, []).snippets] == ["helpers.py"]
    builder.root = "/p"  # a workspace folder: the closed file outside it is another project's
    assert builder.build(Document("file:///p/b.py", SOURCE), CURSOR, SETTINGS, []).snippets == ()
    builder.forget(Document("file:///p/lib/helpers.py", HELPER))
    assert [s.path for s in builder.build(doc, CURSOR, SETTINGS, []).snippets] == ["helpers.py"]


def test_a_huge_document_is_neither_kept_when_closed_nor_chunked_when_open() -> None:
    """Memory stays bounded (eight closed logs of 60 MB are not kept) and no keystroke chunks a huge file."""
    huge = Document("file:///p/helpers.py", HELPER + "# padding\n" * (MAX_DEFINED_CHARS // 10))
    doc, builder = Document("file:///p/a.py", SOURCE), ContextBuilder()
    assert builder.build(doc, CURSOR, SETTINGS, [huge]).snippets == ()
    builder.forget(huge)
    assert not builder.recent
    small = Document("file:///p/helpers.py", HELPER)
    assert [s.path for s in ContextBuilder().build(doc, CURSOR, SETTINGS, [small]).snippets] == ["helpers.py"]


def test_names_in_comments_near_the_cursor_relate_no_file() -> None:
    """A name only in a comment or a licence (``step_helper`` in prose) makes no file related."""
    commented = SOURCE.replace(CALL, "    # see step_helper for the total\n")
    doc = Document("file:///p/a.py", commented)
    other = Document("file:///p/helpers.py", HELPER)
    at = commented.index("    return pa") + len("    return pa")
    assert ContextBuilder().build(doc, at, SETTINGS, [other]).snippets == ()
    licence = "/*\n * Licensed under step_helper terms.\n */\n"
    assert code_only(" * step_helper terms.\n */\nx = 1  # step_helper\n") == "\nx = 1  \n"
    assert code_only(licence + 'u = "http://step_helper"\n') == '\nu = "http://step_helper"\n'


def test_a_module_the_document_imports_is_related() -> None:
    source = SOURCE.replace("import os", "import os\nfrom tools import pa_run")
    tools = Document("file:///p/tools.py", "pa_total = step_30 + step_31\n")
    doc = Document("file:///p/a.py", source)
    ctx = ContextBuilder().build(doc, source.index("    return pa") + 13, SETTINGS, [tools])
    assert [s.path for s in ctx.snippets] == ["tools.py"]


def test_the_fim_prompt_keeps_the_stable_parts_first_and_heals_the_line() -> None:
    doc = Document("file:///p/a.py", SOURCE)
    other = Document("file:///p/helpers.py", HELPER)
    ctx = ContextBuilder().build(doc, CURSOR, SETTINGS, [other])
    assert QWEN is not None
    prompt = build_prompt(ctx, QWEN)
    assert prompt.startswith("<|file_sep|>helpers.py\ndef step_helper")
    assert "<|file_sep|>a.py\n<|fim_prefix|>import os\ndef run(path):\n" in prompt
    assert prompt.endswith("<|fim_middle|>    return pa")
    assert prompt == prompt_for(FakeBackend(fim=QWEN), ctx)


def test_without_fim_the_snippets_are_comments_and_the_prompt_ends_at_the_cursor() -> None:
    doc = Document("file:///p/a.py", SOURCE)
    other = Document("file:///p/helpers.py", HELPER)
    ctx = ContextBuilder().build(doc, CURSOR, SETTINGS, [other])
    prompt = build_prompt(ctx, None, "#")
    assert prompt.startswith("# from helpers.py:\n# def step_helper(step_30, step_31):\n")
    assert prompt.endswith("    return pa") and "<|fim" not in prompt


def test_healing_takes_blanks_off_the_prompt_and_unheal_off_the_answer() -> None:
    assert healed("    return ") == "    return"
    assert unheal("    return ", " x + 1") == "x + 1"
    assert unheal("    return", " x + 1") == " x + 1"
    assert unheal("    client.", " asSymbols(data)") == "asSymbols(data)"
    assert unheal("    x = 1.", " 5") == " 5"  # not a member


def test_healing_keeps_an_indentation_but_its_last_blank() -> None:
    assert healed("        ") == "       " and healed("\t\t") == "\t" and healed("") == ""
    assert unheal("        ", " total = 0") == "total = 0"  # the blank that glues to the word
    assert unheal("        ", "        total = 0") == "total = 0"  # the whole indentation written again
    assert unheal("        ", "            total = 0") == "    total = 0"  # deeper: the model's choice


def test_the_context_counts_the_documents_syntax_errors_from_its_live_tree() -> None:
    doc = Document("file:///p/b.py", "x = (\n\ny = \n")
    ctx = ContextBuilder().build(doc, len("x = (\n\ny = "), SETTINGS, [])
    assert ctx.errors >= 1


def test_the_suffix_holds_whole_lines_well_past_the_next_ten() -> None:
    """What follows a gap is half the model's evidence: up to a quarter of the window, in whole lines."""
    below = "".join(f"    value_{i} = compute({i})\n" for i in range(200))
    text = "def f():\n    \n" + below
    doc = Document("file:///p/s.py", text, 1, "python")
    ctx = ContextBuilder().build(doc, text.index("    \n") + 4, CompletionSettings(context_tokens=1024), [])
    lines = ctx.suffix.split("\n")
    assert 30 <= len(lines) - 1 <= SUFFIX_LINES + 1 and ctx.suffix.endswith("\n")
    assert len(ctx.suffix) <= int(1024 * 3.5) // 4


def type_text(doc: Document, offset: int, text: str) -> int:
    """Insert ``text`` at ``offset`` as an editor would; the offset after it."""
    pos = doc.position_at(offset)
    doc.apply_change(text, pos, pos)
    doc.reparse()
    return offset + len(text)


def test_lines_typed_at_one_place_go_after_the_middle_token_so_the_prompt_only_grows() -> None:
    """A new line appends to the prompt: the suffix before it stays in the KV cache."""
    assert QWEN is not None
    text = "def f(items):\n    \n    return total\n\n\nprint(f([1]))\n"
    doc, builder = Document("file:///p/t.py", text, 1, "python"), ContextBuilder()
    offset = text.index("    \n") + 4
    prompts = [build_prompt(builder.build(doc, offset, CompletionSettings(), []), QWEN)]
    for piece in ("total = 0", "\n    ", "for item in items:", "\n        ", "total += item"):
        offset = type_text(doc, offset, piece)
        prompts.append(build_prompt(builder.build(doc, offset, CompletionSettings(), []), QWEN))
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(prompts))
    last = builder.build(doc, offset, CompletionSettings(), [])
    assert last.prefix == "def f(items):\n" and last.typed == "    total = 0\n    for item in items:\n"
    assert last.suffix.startswith("\n    return total\n") and last.line_before == "        total += item"
    assert prompts[-1].endswith("<|fim_middle|>    total = 0\n    for item in items:\n        total += item")


def test_a_jump_or_a_long_run_of_typing_starts_the_middle_again() -> None:
    text = "".join(f"x_{i} = {i}\n" for i in range(40))
    doc, builder = Document("file:///p/j.py", text, 1, "python"), ContextBuilder()
    at = doc.line_start
    assert builder.build(doc, at(10), CompletionSettings(), []).typed == ""
    assert builder.build(doc, at(12), CompletionSettings(), []).typed == "x_10 = 10\nx_11 = 11\n"
    assert builder.build(doc, at(5), CompletionSettings(), []).typed == ""  # above where typing began
    assert (
        builder.build(doc, at(5 + MIDDLE_LINES), CompletionSettings(), []).typed.count("\n") == MIDDLE_LINES
    )
    far = builder.build(doc, at(6 + MIDDLE_LINES), CompletionSettings(), [])
    assert far.typed == "" and far.prefix.endswith(f"x_{5 + MIDDLE_LINES} = {5 + MIDDLE_LINES}\n")


def test_the_context_inside_brackets_nested_100000_deep() -> None:
    """The walk up for a string or comment around the cursor took hours here (``Node.parent`` is O(depth))."""
    text = "(" * 100_000 + ")" * 100_000
    doc = Document("file:///t/deep.py", text, language_id="python")
    ctx = ContextBuilder().build(doc, 100_000, CompletionSettings(), [])
    assert ctx.mode == "single"


def test_only_the_most_recently_used_open_documents_are_read_for_snippets() -> None:
    """However many documents are open, one anchor reads at most ``MAX_OTHERS`` of them (a parse each)."""
    filler = [Document(f"file:///p/f{i}.py", f"def filler_{i}():\n    pass\n") for i in range(MAX_OTHERS)]
    oldest = Document("file:///p/helpers.py", HELPER)
    doc = Document("file:///p/a.py", SOURCE)
    assert ContextBuilder().build(doc, CURSOR, SETTINGS, [oldest, *filler]).snippets == ()
    newest = [s.path for s in ContextBuilder().build(doc, CURSOR, SETTINGS, [*filler, oldest]).snippets]
    assert newest == ["helpers.py"]
