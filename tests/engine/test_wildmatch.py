"""Gitignore globs: the linear simulation agrees with the regex, and hostile patterns cannot stall a match."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ghostline.engine.workspace.ignore import MAX_PATTERN, parse
from ghostline.engine.workspace.wildmatch import Glob

PIECES = ["a", "b", "/", "*", "**/", "/**", "?", "[ab]", "[!a]", "\\*", "."]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join),
    st.lists(st.sampled_from(["a", "b", "/", ".", "*"]), max_size=12).map("".join),
)
def test_the_simulation_matches_as_the_regex_does(glob: str, path: str) -> None:
    by_regex, simulated = Glob(glob, regex_up_to=99), Glob(glob, regex_up_to=-1)
    assert by_regex.regex is not None and simulated.regex is None
    assert simulated.fullmatch(path) == by_regex.fullmatch(path), (glob, path, by_regex.regex)


def test_many_wildcards_are_simulated_and_answer_at_once() -> None:
    hostile = Glob("*a" * 30 + "b")  # a regex backtracks ~n^30 steps on a name of a's
    assert hostile.regex is None and not hostile.fullmatch("a" * 255)
    assert hostile.fullmatch("a" * 40 + "b")
    deep = Glob("**/" * 40 + "x")
    assert len(deep.tokens) == 2 and deep.fullmatch("d/" * 500 + "x") and not deep.fullmatch("d/" * 500 + "y")
    assert Glob("a/**/z.py").regex is not None  # the common shapes keep their regex


def test_a_hostile_gitignore_is_read_within_bounds() -> None:
    text = "\n".join(["*" * 5000 + "a", " " * 200_000 + "x", "[z-a]", "**/" * 100 + "x"] + ["n*"] * 5000)
    rules = parse(text)
    assert len(rules) == 2000  # the first 2,000 rules; the over-long lines and the bad class left out
    assert rules[0].glob.fullmatch("d/x") and all(len(r.glob.tokens) <= MAX_PATTERN for r in rules)
    assert rules[1].glob.fullmatch("name") and not rules[1].glob.fullmatch("x")
