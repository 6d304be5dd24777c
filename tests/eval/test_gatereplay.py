"""Typing a repository back: what a user would have taken of each suggestion, and where the cuts fall."""

from __future__ import annotations

from pathlib import Path

from ghostline.engine.completion import gate as gates
from ghostline.engine.completion.outcomes import Outcome
from ghostline.eval.gatereplay import cross_validated, effect, taken, tasks


def test_what_a_user_takes_of_a_suggestion() -> None:
    truth = "x * 2)\n    print(x)\n"
    assert taken("x * 2)", truth) == ("accepted", 6)
    assert taken("x * 2)  ", truth) == ("accepted", 8)  # trailing blanks aside
    assert taken("x *", truth) == ("accepted", 3)  # what comes next, the rest still to type
    assert taken("x * 2)\n    print(x)", truth) == ("accepted", 19)
    assert taken("x * 2)\n    return x", truth) == ("partial", 7)  # an accept-line of the first
    assert taken("y * 2)", truth) == ("typed_over", 0)
    assert taken("   ", truth) == ("typed_over", 0)


def test_cuts_fall_at_the_indentation_or_after_a_boundary(tmp_path: Path) -> None:
    body = "".join(
        f"def f{i}(a, b):\n    value = compute(a, b)\n    return value.total\n\n" for i in range(8)
    )
    (tmp_path / "mod.py").write_text(body)
    found = tasks(tmp_path, 20, seed=1)
    assert len(found) == 20
    for task in found:
        line = task.text.split("\n")[task.row]
        before = line[: task.column]
        assert not line.startswith("def ")  # definitions' headers are left out
        assert before.strip() == "" or before[-1] in " .([{,=:"
        assert task.target.strip()  # something is left to suggest
    assert tasks(tmp_path, 20, seed=1) == found  # seeded


def test_effect_and_cross_validation_count_shown_and_taken() -> None:
    n = len(gates.NAMES)
    sure = [Outcome([1.0] + [0.0] * (n - 1), "accepted", 10, "replay") for _ in range(150)]
    unsure = [Outcome([-1.0] + [0.0] * (n - 1), "typed_over", 0, "replay") for _ in range(150)]
    gate = gates.Gate([5.0] + [0.0] * (n - 1), 0.0, [0.0] * n, [1.0] * n, 0.5, 300)
    result = effect(sure + unsure, gate)
    assert result["without"] == {"shown": 300, "taken": 150, "not_taken_share": 0.5, "chars_taken": 1500}
    assert result["with"] == {"shown": 150, "taken": 150, "not_taken_share": 0.0, "chars_taken": 1500}
    from ghostline.engine.completion.learn import train

    checked = cross_validated([o for pair in zip(sure, unsure, strict=True) for o in pair], train)
    assert checked is not None and checked["with"]["not_taken_share"] < 0.1
    assert checked["with"]["chars_taken"] >= 0.9 * checked["without"]["chars_taken"]


def test_the_table_shows_whole_suggestions_beside_the_cut_ones() -> None:
    from ghostline.commands.learn import table

    n = len(gates.NAMES)
    cut = [Outcome([1.0] + [0.0] * (n - 1), "accepted", 4, "replay") for _ in range(3)]
    whole = [Outcome([1.0] + [0.0] * (n - 1), "typed_over", 0, "replay") for _ in range(3)]
    gate = gates.Gate([5.0] + [0.0] * (n - 1), 0.0, [0.0] * n, [1.0] * n, 0.5, 300, trim_percent=20)
    result = effect(cut, gate, whole)
    assert result["uncut"] == {"shown": 3, "taken": 0, "not_taken_share": 1.0, "chars_taken": 0}
    assert result["without"]["chars_taken"] == 12 and result["trim_percent"] == 20
    rows = table(result).split("\n")[2:]
    assert [r.split(" | ")[0] for r in rows] == [
        "| whole suggestions, no gate",
        "| without the gate, cut at 20 %",
        "| with the gate, cut at 20 %",
    ]
    assert "uncut" not in effect(cut, gates.Gate([0.0] * n, 0.0, [0.0] * n, [1.0] * n))
