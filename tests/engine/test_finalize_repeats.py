"""Golden cases for repeats: a line like the one above (or the code below) is judged with depth and brackets.

``█`` marks the cursor; each case gives the document, the model's raw output and what is inserted.
"""

from __future__ import annotations

import pytest

from ghostline.engine.completion.finalize import finalize
from tests.engine.insertion import insertion

JS_FLATTEN = """function flatten(items) {
  const out = [];
  for (const item of items) {
    if (Array.isArray(item)) {
      out.push(...flatten(item));
    } else {
      out.push(item);
    }
█
  return out;
}
"""

JAVA_COUNTER = """public class Counter {
    private int count;

    public void increment() {
        count++;
    }
█
"""

CPP_NAMESPACES = """namespace geometry {
namespace detail {
int area(int w, int h);
}
█
"""

RUST_MATCH = """fn sign(x: i32) -> i32 {
    match x {
        n if n < 0 => {
            -1
        }
        _ => 1,
    }
█
"""

NESTED = "def f(x, y, z):\n    if x > 0:\n        if x == y + z:\n            return True\n"

KEPT = [
    # (title, file, document with █, raw model output, expected insertion)
    (
        "python: the header written again, then the body: the body",
        "a.py",
        "def area(w, h):\n█\n",
        "def area(w, h):\n    return w * h\n",
        "    return w * h",
    ),
    (
        "python: the argument above written again, then the missing one",
        "a.py",
        "field(\n        type=type,\n        converter=converter,\n█\n        kw_only=kw_only,\n    )\n",
        "        converter=converter,\n        factory=factory,\n        kw_only=kw_only,\n    )\n",
        "        factory=factory,",
    ),
    (
        "java: the statement above written again, then the method's }",
        "A.java",
        "class A {\n    void park() {\n        U.park(false, 0L);\n█\n\n    void stop() {\n    }\n}\n",
        "        U.park(false, 0L);\n    }\n\n    void unpark() {\n",
        "    }",
    ),
    ("js: } under } closes the for loop", "a.js", JS_FLATTEN, "  }\n", "  }"),
    ("java: the class's } under a method's }", "A.java", JAVA_COUNTER, "}\n", "}"),
    ("c++: } under } at the same depth closes the outer namespace", "a.cpp", CPP_NAMESPACES, "}\n", "}"),
    ("rust: } under } closes the function", "a.rs", RUST_MATCH, "}\n", "}"),
    (
        "python: the same statement one level out is another line",
        "a.py",
        NESTED + "        return False\n█\n",
        "    return False\n",
        "    return False",
    ),
    (
        "python: a copy of the code below but deeper is the body it lacks",
        "a.py",
        NESTED + "█\n    return False\n",
        "        return False\n",
        "        return False",
    ),
]

DROPPED = [
    (
        "python: the line above written again at its depth",
        "a.py",
        "def total(xs):\n    s = sum(xs)\n    return s\n█\n",
        "    return s\n",
        "",
    ),
    (
        "python: the function's header again, and nothing else",
        "a.py",
        "def area(w, h):\n█\n",
        "def area(w, h):\ndef area(w, h):\n",
        "",
    ),
    (
        "python: the line above again, then the code below (nothing of the gap's own)",
        "a.py",
        "def f(xs):\n    total = 0\n█\n    return total\n",
        "    total = 0\n    return total\n",
        "",
    ),
    (
        "js: } under } with no block left open",
        "a.js",
        "function f() {\n  return 1;\n}\n█\n",
        "}\n",
        "",
    ),
    (
        "js: a stuttered call",
        "a.js",
        "function f(xs) {\n  xs.sort();\n  █\n}\n",
        "xs.sort();\n",
        "",
    ),
    (
        "python: a copy of the next line at its depth",
        "a.py",
        "def f(xs):\n    total = 0\n█\n    return total\n",
        "    return total\n",
        "",
    ),
    ("a copy of what follows on the line", "a.py", "x = █1 + 2\n", "1 + 2", ""),
]


@pytest.mark.parametrize(("title", "name", "text", "raw", "expected"), KEPT, ids=[c[0] for c in KEPT])
def test_kept(title: str, name: str, text: str, raw: str, expected: str) -> None:
    assert insertion(name, text, raw) == expected


@pytest.mark.parametrize(("title", "name", "text", "raw", "expected"), DROPPED, ids=[c[0] for c in DROPPED])
def test_dropped(title: str, name: str, text: str, raw: str, expected: str) -> None:
    assert insertion(name, text, raw) == expected


def test_a_closer_under_the_same_closer_must_close_a_block_opened_at_its_depth() -> None:
    nested = "namespace a {\nnamespace b {\nint x;\n}\n"
    assert finalize("cpp", nested, len(nested), "}", "") == "}"  # closes `namespace a {`
    inner = "if (a) {\n  if (b) {\n    go();\n  }\n"
    whole = inner + "}\n"
    assert finalize("javascript", whole, len(inner), "  }", "") == ""  # `if (a) {` is closed at 0


def test_a_refused_suggestion_in_a_block_left_open_gives_way_to_its_closer() -> None:
    inner = "if (a) {\n  if (b) {\n    go();\n  }\n"
    # the stutter is refused; the document lacks the `}` of `if (a) {`, at its depth
    assert finalize("javascript", inner, len(inner), "  }", "") == "}"
    text = "function string(value) {\n    return typeof value === 'string';\n\nexports.string = string;\n"
    at = text.index("\n\n") + 1
    assert finalize("javascript", text, at, "exports.string = string;", "") == "}"
    call = "describe('x', () => {\n  it('y', () => {\n    go();\n\n"
    assert finalize("javascript", call, len(call) - 1, "", "") == "  })"


def test_the_closer_is_offered_only_where_it_mends_the_tree() -> None:
    whole = "function f() {\n  go();\n\n}\n"
    assert finalize("javascript", whole, whole.index("\n\n") + 1, "  go();", "") == ""  # nothing is broken
    later = "function f() {\n  go(;\n\n}\n"  # broken, but not by a missing closer: `}` comes below
    assert finalize("javascript", later, later.index("\n\n") + 1, "  go(;", "") == ""
    python = "def f():\n    if x:\n        go(\n\n"
    assert finalize("python", python, len(python) - 1, "", "") == "        )"  # a call's closing bracket
    block = "def f():\n    if x:\n\n"
    assert finalize("python", block, len(block) - 1, "", "") == ""  # a Python block has no closer
    deeper = "if (a) {\n  go();\n    \n"
    assert finalize("javascript", deeper, len(deeper) - 1, "", "") == ""  # cannot dedent the cursor
    args = "const xs = [\n  f(1, {\n    a: 1,\n  }),\n"
    assert finalize("javascript", args + "];\n", len(args), "  }),", "") == ""  # only `[` is still open
    assert finalize("javascript", args, len(args), "  }),", "") == "]"  # and nothing below closes it
    typed = "f(function () {\ng(function () {\nx();\n})\n}"  # the user typed `}`, the model adds `)`
    assert finalize("javascript", typed, len(typed), ")", "") == ")"
    kinds = "{\n(\n)\n"
    assert finalize(None, kinds, len(kinds), ")", "") == ""  # `{` is open, not `(`


ALIGNED = [
    # (title, language, document with █, model output, expected insertion)
    (
        "java: a method's } written at column 0 goes to the method's depth",
        "java",
        "class A {\n    int f() {\n        return 1;\n█\n\n    // next\n}\n",
        "}",
        "    }",
    ),
    (
        "js: } else { lines up with its if",
        "javascript",
        "function f(a) {\n  if (a) {\n    go();\n█\n    stop();\n  }\n}\n",
        "} else {",
        "  } else {",
    ),
    (
        "js: the } of a block whose condition took two lines lines up with the condition's first line",
        "javascript",
        "function f(a, b) {\n  if (a &&\n      b) {\n    go();\n█\n}\n",
        "      }",
        "  }",
    ),
    (
        "python: the ) of a call written over lines lines up with the call",
        "python",
        "def f():\n    x = g(\n        1,\n        2,\n█\n    return x\n",
        ")",
        "    )",
    ),
]


@pytest.mark.parametrize(("title", "lang", "text", "raw", "expected"), ALIGNED, ids=[a[0] for a in ALIGNED])
def test_a_first_line_of_closers_goes_to_its_openers_depth(
    title: str, lang: str, text: str, raw: str, expected: str
) -> None:
    offset = text.index("█")
    assert finalize(lang, text.replace("█", ""), offset, raw, "") == expected


def test_a_closer_is_not_moved_where_it_closes_nothing_or_the_cursor_is_deeper() -> None:
    assert finalize("javascript", "f(1);\n", len("f(1);\n"), "}", "") == ""  # nothing open: nothing to close
    deep = "function f() {\n  go();\n    "
    assert finalize("javascript", deep, len(deep), "}", "") == "}"  # typed at the cursor: cannot dedent


def test_a_shorter_cut_that_mends_the_document_wins_over_a_longer_one_that_only_adds_no_error() -> None:
    # the gap is a method's header; the model writes a whole other method, which leaves the body below
    # orphaned; cut before its closing brace it gives that body a header (the longest cut that mends)
    text = "class A {\n    int y;\n\n\n        return y;\n    }\n}\n"
    at = text.index("\n\n\n") + 2
    raw = "    int get() {\n        return 0;\n    }"
    assert finalize("java", text, at, raw, "") == "    int get() {\n        return 0;"
    whole = "class A {\n    int y;\n\n}\n"  # nothing broken: the longest safe text, as before
    assert finalize("java", whole, whole.index("\n\n") + 2, raw, "") == raw


def test_the_closer_of_a_block_that_the_code_below_shows_unclosed() -> None:
    # an object literal lacks its `}`: the code below goes on at the opener's depth
    text = "async function f(spec) {\n    const opts = {\n      a: 1,\n      spec,\n\n    await go(opts)\n}\n"
    at = text.index(",\n\n") + 2
    assert finalize("javascript", text, at, "      spec,", "") == "    }"
    # inside a new function left open at the end, an `if` whose `}` is below is not closed early
    typing = "function a() {\n  if (x) {\n\n  }\n  more();\n"
    assert finalize("javascript", typing, typing.index("{\n\n") + 2, "  if (x) {", "") == ""


def test_a_suggestion_that_leaves_open_a_block_the_code_below_shows_ended_gives_way_to_its_closer() -> None:
    text = (
        "class S {\n    get active() {\n        return this._active;\n\n"
        + "    run() {\n        go();\n    }\n}\n"
    )
    at = text.index(";\n\n") + 2
    model = "        if (done) {\n            stop();\n        }"
    assert finalize("javascript", text, at, model, "") == "    }"
    writing = "function g() {\n  const x = 1;\n\n"  # the end of the file: the user may still be writing it
    assert finalize("javascript", writing, len(writing) - 1, "  return x;", "") == "  return x;"


def test_the_closer_is_found_near_the_top_of_a_long_file() -> None:
    # the bracket scan looks back at most SCAN characters; a cursor near the top of a longer file scans
    # from the start (a negative bound once made it scan nothing)
    text = "function string(value) {\n    return 1;\n\nexports.string = string;\n" + "// x\n" * 8000
    at = text.index("\n\n") + 1
    assert finalize("javascript", text, at, "exports.string = string;", "") == "}"
