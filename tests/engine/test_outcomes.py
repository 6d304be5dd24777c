"""What became of a suggestion is read from the edits that follow it, and kept as features only."""

from __future__ import annotations

from pathlib import Path

from ghostline.engine.completion.outcomes import OutcomeStore, Tracker

URI = "file:///p/a.py"
DOC = "def f(x):\n    return \n"
AT = DOC.index("return ") + len("return ")
FEATURES = [0.5] * 3


def tracker(tmp_path: Path) -> Tracker:
    return Tracker(OutcomeStore(tmp_path / "outcomes.jsonl"))


def typed(text: str) -> str:
    return DOC[:AT] + text + DOC[AT:]


def test_typing_a_suggestion_through_is_taking_it(tmp_path: Path) -> None:
    t = tracker(tmp_path)
    t.offered(URI, AT, "x * 2", FEATURES, len(DOC), gated=False)
    for n in range(1, 5):  # typing along: not decided, and the rest shown meanwhile is the same suggestion
        t.changed(URI, typed("x * 2"[:n]))
        t.offered(URI, AT + n, "x * 2"[n:], FEATURES, len(DOC) + n, gated=False)
    assert t.store.all() == []
    t.changed(URI, typed("x * 2"))
    [outcome] = t.store.all()
    assert (outcome.kind, outcome.chars, outcome.label) == ("accepted", 5, 1)
    assert t.recent_rate() == 1.0


def test_accepting_in_one_edit_then_a_new_suggestion(tmp_path: Path) -> None:
    t = tracker(tmp_path)
    t.offered(URI, AT, "x * 2", FEATURES, len(DOC), gated=False)
    t.accepted(URI)
    t.changed(URI, typed("x * 2"))  # the accept's own edit decides nothing more
    assert [o.kind for o in t.store.all()] == ["accepted"]


def test_typed_over_partly_taken_and_dismissed(tmp_path: Path) -> None:
    t = tracker(tmp_path)
    t.offered(URI, AT, "x * 2", FEATURES, len(DOC), gated=False)
    t.changed(URI, typed("y"))
    t.offered(URI, AT, "total(x)\nprint(x)", FEATURES, len(DOC), gated=False)
    t.changed(URI, typed("total(y"))  # the first word taken, then something else
    t.offered(URI, AT, "x + 1", FEATURES, len(DOC), gated=False)
    t.offered(URI, 3, "other", FEATURES, len(DOC), gated=False)  # asked elsewhere: the first dismissed
    t.closed(URI)
    kinds = [(o.kind, o.chars) for o in t.store.all()]
    assert kinds == [("typed_over", 0), ("partial", 6), ("dismissed", 0), ("dismissed", 0)]
    assert t.counts == {"typed_over": 1, "partial": 1, "dismissed": 2}


def test_a_suggestion_kept_back_and_typed_anyway_teaches_the_gate(tmp_path: Path) -> None:
    t = tracker(tmp_path)
    t.offered(URI, AT, "x * 2", FEATURES, len(DOC), gated=True)
    t.accepted(URI)  # nothing was shown: an accept cannot be of it
    t.changed(URI, typed("x * 2"))
    [outcome] = t.store.all()
    assert outcome.gated and outcome.label == 1 and t.counts == {"gated_accepted": 1}
    assert list(t.recent) == []  # the acceptance rate counts shown suggestions only


def test_the_store_is_bounded_and_holds_no_text(tmp_path: Path) -> None:
    store = OutcomeStore(tmp_path / "outcomes.jsonl", max_rows=10)
    t = Tracker(store)
    for i in range(50):
        t.offered(URI, AT, f"unique_marker_{i}()", FEATURES, len(DOC), gated=False)
        t.changed(URI, typed(f"zz_typed_{i}"))
    assert len(store.all()) == 10
    assert len((tmp_path / "outcomes.jsonl").read_text().splitlines()) <= 20
    raw = (tmp_path / "outcomes.jsonl").read_text()
    assert "unique_marker" not in raw and "zz_typed" not in raw and "return" not in raw
