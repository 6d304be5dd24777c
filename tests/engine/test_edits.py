"""The recent-edit log: coalescing nearby edits into hunks, tracking them as the text moves, diffs."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from ghostline.engine.edits import COALESCE_S, EditLog, unified


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def edit(log: EditLog, text: str, start: int, end: int, new: str, uri: str = "file:///a.py") -> str:
    log.record(uri, text, start, end, new)
    return text[:start] + new + text[end:]


def test_typing_on_one_line_is_one_hunk_with_whole_lines() -> None:
    log, text = EditLog(Clock()), "def f(x):\n    return x\n"
    at = text.index("x\n")
    for i, ch in enumerate(" + 1"):
        text = edit(log, text, at + 1 + i, at + 1 + i, ch)
    [hunk] = log.hunks
    assert (hunk.before, hunk.after) == ("    return x", "    return x + 1")
    assert text[hunk.start : hunk.end] == hunk.after


def test_a_pause_or_a_distant_line_starts_a_new_hunk() -> None:
    clock = Clock()
    log, text = EditLog(clock), "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n"
    text = edit(log, text, 4, 5, "10")  # a = 10
    text = edit(log, text, text.index("e = 5") + 4, text.index("e = 5") + 5, "50")  # far below
    assert [h.after for h in log.hunks] == ["a = 10", "e = 50"]
    clock.now += COALESCE_S + 1
    text = edit(log, text, text.index("b = 2") + 4, text.index("b = 2") + 5, "20")  # adjacent, but later
    assert [h.after for h in log.hunks] == ["a = 10", "e = 50", "b = 20"]


def test_an_edit_above_moves_the_hunks_below() -> None:
    clock = Clock()
    log, text = EditLog(clock), "one\ntwo\nthree\nfour\nfive\n"
    text = edit(log, text, text.index("five"), text.index("five") + 4, "FIVE")
    clock.now += 10
    text = edit(log, text, 0, 0, "zero\n")
    first = log.hunks[0]
    assert text[first.start : first.end] == "FIVE"


def test_whitespace_only_hunks_are_not_recent() -> None:
    log, text = EditLog(Clock()), "x = 1\n"
    text = edit(log, text, 1, 2, "  ")
    assert list(log.hunks) and log.recent(3) == []


def test_unified_diff() -> None:
    log, text = EditLog(Clock()), "a\nb\nc\n"
    text = edit(log, text, 2, 3, "B")
    [hunk] = log.hunks
    diff = unified(hunk, "x.py")
    assert diff == "--- a/x.py\n+++ b/x.py\n@@ -2,1 +2,1 @@\n-b\n+B\n"


edits = st.lists(
    st.tuples(st.floats(0, 1), st.floats(0, 1), st.text("ab\n ", max_size=4), st.floats(0, 8)),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(st.text("xy\n ", max_size=60), edits)
def test_hunks_follow_the_text_and_undo_to_the_original(original: str, steps: list) -> None:
    """Every kept hunk matches the text; with none dropped, undoing them all gives the original back."""
    clock = Clock()
    log, text = EditLog(clock), original
    for a, b, new, pause in steps:
        start, end = sorted((int(a * len(text)), int(b * len(text))))
        clock.now += pause
        text = edit(log, text, start, end, new)
        for h in log.hunks:
            assert text[h.start : h.end] == h.after and text.count("\n", 0, h.start) == h.line
    spans = sorted(log.hunks, key=lambda h: h.start)
    assert all(x.end < y.start for x, y in itertools.pairwise(spans))
    if log.dropped == 0:
        undone = text
        for h in reversed(spans):
            undone = undone[: h.start] + h.before + undone[h.end :]
        assert undone == original
    assert log.original("file:///a.py", text) == (original if log.dropped == 0 else None)


START = "def f(x):\n    return x\n\n\nclass A:\n    pass\n"


def test_an_edit_above_an_old_hunk_next_to_the_last_one_merges_them_all() -> None:
    """Found by hypothesis: the last hunk grew over an older hunk's lines; undoing both gave a wrong text."""
    clock = Clock()
    log, text = EditLog(clock), START
    text = edit(log, text, 0, 32, "")  # two hunks apart in time: ":\n    pass\n" ...
    clock.now += 6
    text = edit(log, text, 5, 11, "")
    clock.now += 0.1
    text = edit(log, text, 0, 0, "\n")  # ... then a line above both, right after the second
    assert len(log.hunks) == 1
    assert log.original("file:///a.py", text) == START


def test_a_document_whose_hunk_was_let_go_has_no_original() -> None:
    log, text = EditLog(Clock()), START
    text = edit(log, text, 0, 3, "x" * 5000)  # too big to keep
    assert log.original("file:///a.py", text) is None
    log.forget("file:///a.py")
    assert log.original("file:///a.py", START) == START


def test_an_edit_ghostline_offered_is_marked_as_its_own_when_made() -> None:
    clock = Clock()
    log, text = EditLog(clock), START
    text = edit(log, text, 4, 5, "g")  # the user's
    log.expect("file:///a.py", 30, 35, "B")  # offered by Ghostline (a next edit)
    clock.now += 10
    text = edit(log, text, 30, 35, "B")
    assert [h.own for h in log.hunks] == [False, True]
    clock.now += 10
    text = edit(log, text, 30, 31, "C")  # the same edit again is the user's
    assert log.hunks[-1].own is False
