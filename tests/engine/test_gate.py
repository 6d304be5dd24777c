"""The stay-silent gate: it learns a planted rule, keeps the characters it must, loads only its own kind."""

from __future__ import annotations

import json
import random
from pathlib import Path

from ghostline.engine.completion import gate as gates
from ghostline.engine.completion.learn import train
from ghostline.engine.completion.outcomes import Outcome


def planted(n: int, seed: int) -> list[Outcome]:
    """Outcomes where a suggestion is taken when the model was sure and it does not repeat what follows."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        mean = rng.uniform(-3, 0)
        facts = gates.Facts(
            confidence=(mean, mean - rng.uniform(0, 5), rng.uniform(-4, 0), rng.randint(1, 40)),
            chars=rng.randint(1, 200),
            lines=rng.randint(1, 5),
            truncated=rng.random() < 0.1,
            before=rng.choice(["blank", "word", "dot", "open", "op", "other"]),
            column=rng.randint(0, 80),
            indent=rng.randint(0, 12),
            rest_of_line_blank=rng.random() < 0.7,
            repeats_suffix=rng.random() < 0.2,
            recent_rate=rng.random(),
            pause_s=rng.uniform(0, 3),
            language=rng.choice(["python", "javascript", "go"]),
        )
        sure = mean > -0.8
        taken = sure and not facts.repeats_suffix and rng.random() < 0.95
        out.append(
            Outcome(facts.vector(), "accepted" if taken else "typed_over", facts.chars if taken else 0)
        )
    return out


def test_the_gate_learns_a_planted_rule_and_keeps_the_accepted_characters() -> None:
    gate = train(planted(600, 1))
    assert gate is not None
    held = planted(400, 2)
    right = sum(int(gate.chance(o.features) >= 0.5) == o.label for o in held)
    assert right / len(held) > 0.9
    shown = [o for o in held if not gate.silent(o.features)]
    taken_chars = sum(o.chars for o in held)
    assert sum(o.chars for o in shown) >= 0.85 * taken_chars  # it keeps (nearly) all it should
    before = sum(1 - o.label for o in held) / len(held)
    after = sum(1 - o.label for o in shown) / len(shown)
    assert after < 0.5 * before  # and most of the suggestions nobody takes are kept back
    weights = dict(zip(gates.NAMES, gate.weights, strict=True))
    assert weights["mean_logprob"] > 0 and weights["repeats_suffix"] < 0


def test_too_few_outcomes_train_no_gate() -> None:
    assert train(planted(50, 3)) is None
    assert train([Outcome(o.features, "typed_over", 0) for o in planted(400, 4)]) is None


def test_threshold_keeps_the_share_of_characters_asked() -> None:
    chances, chars = [0.9, 0.8, 0.5, 0.2, 0.1], [100, 0, 50, 0, 10]
    assert gates.threshold_keeping(chances, chars, 0.6) == 0.9
    assert gates.threshold_keeping(chances, chars, 0.9) == 0.5
    assert gates.threshold_keeping(chances, chars, 1.0) == 0.1
    assert gates.threshold_keeping(chances, [0] * 5, 0.9) == 0.0


def test_a_saved_gate_loads_back_and_a_foreign_file_does_not(tmp_path: Path) -> None:
    gate = train(planted(300, 5))
    assert gate is not None
    gate.save(tmp_path / "gate.json")
    again = gates.load(tmp_path / "gate.json")
    assert again is not None and again.weights == gate.weights and again.threshold == gate.threshold
    data = json.loads((tmp_path / "gate.json").read_text())
    (tmp_path / "old.json").write_text(json.dumps({**data, "names": data["names"][:-1]}))
    assert gates.load(tmp_path / "old.json") is None  # made for other features
    (tmp_path / "bad.json").write_text("{not json")
    assert gates.load(tmp_path / "bad.json") is None
    assert gates.load(tmp_path / "none.json") is None


def test_facts_are_numbers_only() -> None:
    facts = gates.facts_of(
        "secret_value()", "    token = ", "\nnext()\n", (-0.2, -1.0, -0.1, 4), False, "python", 0.5, 0.4
    )
    assert all(not isinstance(v, str) or v in ("op", "python") for v in vars(facts).values())
    vector = facts.vector()
    assert len(vector) == len(gates.NAMES) and all(isinstance(x, float) for x in vector)
    repeat = gates.facts_of("next()", "    ", "\nnext()\n", None, False, "python", 0.5, 0.4)
    assert repeat.repeats_suffix and not facts.repeats_suffix
    assert repeat.vector()[gates.NAMES.index("no_logprob")] == 1.0
    assert [gates.char_class(x) for x in ("  ", "x", "a.", "f(", "y =", "'")] == [
        "blank",
        "word",
        "dot",
        "open",
        "op",
        "other",
    ]


def test_an_active_gate_applies_the_cut_it_was_trained_with(tmp_path: Path) -> None:
    import dataclasses

    from ghostline.config import CompletionSettings
    from ghostline.engine.completion.learn import Learner
    from ghostline.engine.completion.outcomes import OutcomeStore

    learner = Learner(OutcomeStore(tmp_path / "outcomes.jsonl"), tmp_path / "gate.json")
    plain = CompletionSettings()
    assert learner.settings_for(plain).trim_percent == 0  # no gate yet: no cut
    gate = train(planted(300, 6), trim_percent=25)
    assert gate is not None and gate.trim_percent == 25
    gate.save(tmp_path / "gate.json")
    assert learner.settings_for(plain).trim_percent == 25
    assert learner.settings_for(dataclasses.replace(plain, trim_percent=40)).trim_percent == 40  # the larger
    assert learner.settings_for(dataclasses.replace(plain, gate=False)).trim_percent == 0
    again = gates.load(tmp_path / "gate.json")
    assert again is not None and again.trim_percent == 25
