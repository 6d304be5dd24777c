"""A repository typed back to the engine: each suggestion's gate features and whether it was what came next.

It bootstraps the stay-silent gate before the user has any history (``ghostline gate train``) and measures
it on a repository it did not learn from (``ghostline eval gate``).
"""

from __future__ import annotations

import dataclasses
import random
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ghostline.config import CompletionSettings
from ghostline.engine.completion import gate as gates
from ghostline.engine.completion.context import CompletionContext, ContextBuilder
from ghostline.engine.completion.generate import Suggestion, generate, trimmed
from ghostline.engine.completion.learn import facts_for
from ghostline.engine.completion.outcomes import ACCEPTED, PARTIAL, TYPED_OVER, Outcome
from ghostline.engine.document import Document
from ghostline.eval.fill import FillTask
from ghostline.eval.mining import code_rows, repo_files
from ghostline.model.backend import Backend

LANGUAGES = {"python", "javascript", "typescript", "java", "go", "rust"}
DEADLINE_S = 30.0
Progress = Callable[[int, int, str], None]
_BOUNDARY = re.compile(r"[\s.(\[{,=:]")


def tasks(root: Path, count: int, seed: int = 0) -> list[FillTask]:
    """``count`` places to type at: a seeded code line of a seeded file, cut at its indentation or mid-line.

    Mid-line cuts fall just after a blank, a dot, an opening bracket, a comma, ``=`` or ``:`` (where a
    suggestion is asked for while typing); the rest of the line is removed, the lines after it stay.
    """
    files = [f for f in repo_files(root, LANGUAGES) if f.text.count("\n") >= 10]
    rng = random.Random(f"{seed}:{root.name}")
    out: list[FillTask] = []
    for _ in range(count * 3):
        if len(out) >= count or not files:
            break
        file = rng.choice(files)
        rows = [r for r in code_rows(file.language, file.text) if r not in file.headers]
        if not rows:
            continue
        row = rng.choice(rows)
        line = file.text.split("\n")[row]
        indent = len(line) - len(line.lstrip())
        cuts = [indent] + [m.end() for m in _BOUNDARY.finditer(line, indent) if m.end() < len(line.rstrip())]
        column = rng.choice(cuts)
        task_id = f"{root.name}/{file.path}:{row + 1}:{column + 1}"
        out.append(
            FillTask(
                task_id, file.language, root.name, file.path, file.text, row, root=str(root), column=column
            )
        )
    return out


def taken(text: str, truth: str) -> tuple[str, int]:
    """What a user typing ``truth`` does with suggestion ``text``: (outcome, characters taken).

    All of it when it is what comes next (trailing blanks of each line aside); its first lines when only
    they are (an accept-line); else it is typed over.
    """
    lines, real = text.split("\n"), truth.split("\n")
    same = 0
    for i, line in enumerate(lines):
        want = real[i] if i < len(real) else None
        last = i == len(lines) - 1
        if want is None or not (line.rstrip() == want.rstrip() or (last and want.startswith(line.rstrip()))):
            break
        same += 1
    if text.strip() and same == len(lines):
        return ACCEPTED, len(text)
    if same and len(lines) > 1:
        return PARTIAL, sum(len(line) + 1 for line in lines[:same])
    return TYPED_OVER, 0


STUDY_CUTS = (0, 10, 20, 30, 40, 50, 60, 70)
"""Cuts (``trim_percent``; 0: the whole suggestion) whose outcomes ``--dump`` records per place, to study."""


@dataclass(frozen=True)
class Place:
    """One place typed at: the outcome stored for it, its time, and numbers to study the gate offline."""

    outcome: Outcome
    """What became of the suggestion as shown (cut at ``trim_percent``)."""
    ms: float
    study: dict[str, Any]
    """The facts and each token's log-probability and end (numbers only), for ``--dump``."""
    plain: Outcome | None = None
    """What became of the whole suggestion, not cut (None: the cut changed nothing)."""


def replay(
    backend: Backend,
    found: list[FillTask],
    settings: CompletionSettings,
    progress: Progress | None = None,
    trim_percent: int = 0,
    cuts: tuple[int, ...] = (),
) -> list[Place]:
    """Each task's suggestion as an outcome (empty suggestions are not shown, so not listed).

    Suggestions are cut at ``trim_percent`` as an active gate trained with that cut shows them; the study
    also holds what each of ``cuts`` would have given (for ``--dump``: each cut runs the checks again).
    """
    settings = dataclasses.replace(settings, trim_percent=trim_percent)
    builder, recent = ContextBuilder(), deque[int](maxlen=20)
    out = []
    for i, task in enumerate(found, 1):
        text, offset = task.gapped()
        doc = Document(task.uri, text, language_id=task.language)
        ctx = builder.build(doc, offset, settings, [])
        began = time.perf_counter()
        result = generate(backend, ctx, settings, lambda: False, time.perf_counter() + DEADLINE_S)
        ms = (time.perf_counter() - began) * 1000
        if result.text.strip():
            truth = task.text[offset:]  # the gap starts where the cut did: the same offset in the file
            judged = _Judged(result, text, task.language, sum(recent) / len(recent) if recent else 0.3, truth)
            outcome, study = judged.outcome(result.text)
            recent.append(outcome.label)
            plain = judged.outcome(result.untrimmed)[0] if result.untrimmed else None
            study |= {
                "ms": round(ms, 1),
                "logprobs": result.stats.token_logprobs,
                "ends": result.stats.token_ends,
            }
            study["cuts"] = {p: judged.cut(ctx, settings, p) for p in cuts}
            out.append(Place(outcome, ms, study, plain))
        if progress is not None:
            progress(i, len(found), task.project)
    return out


@dataclass(frozen=True)
class _Judged:
    """A replayed suggestion and what comes next in the file: outcomes of it or of a cut of it."""

    result: Suggestion
    text: str
    language: str
    rate: float
    truth: str

    def outcome(self, shown: str) -> tuple[Outcome, dict[str, Any]]:
        """The outcome of showing ``shown`` here, and its study numbers (facts, kind, characters taken)."""
        facts = facts_for(
            dataclasses.replace(self.result, text=shown), self.text, self.language, self.rate, 1.0
        )
        kind, chars = taken(shown, self.truth)
        study = dataclasses.asdict(facts) | {"kind": kind, "taken_chars": chars}
        return Outcome(facts.vector(), kind, chars, "replay"), study

    def cut(self, ctx: CompletionContext, settings: CompletionSettings, percent: int) -> dict[str, Any]:
        """The outcome had the suggestion been cut at ``percent`` (numbers only)."""
        shown = trimmed(ctx, settings, self.result.raw, self.result.stats, percent)
        shown = shown or self.result.untrimmed or self.result.text
        found, _ = self.outcome(shown)
        return {"features": found.features, "kind": found.kind, "chars": found.chars, "shown": len(shown)}


def effect(outcomes: list[Outcome], gate: gates.Gate, plain: list[Outcome] | None = None) -> dict[str, Any]:
    """Shown, taken and not-taken suggestions and characters taken: without the gate and with it.

    ``plain``: the same places' whole suggestions, not cut (reported as ``uncut`` when given).
    """
    kept = [o for o in outcomes if not gate.silent(o.features)]
    result = {"without": _counts(outcomes), "with": _counts(kept), "threshold": round(gate.threshold, 4)}
    if plain is not None:
        result["uncut"] = _counts(plain)
    result["trim_percent"] = gate.trim_percent
    return result


def _counts(outcomes: list[Outcome]) -> dict[str, Any]:
    shown = len(outcomes)
    taken_ = sum(o.label for o in outcomes)
    return {
        "shown": shown,
        "taken": taken_,
        "not_taken_share": round((shown - taken_) / shown, 4) if shown else None,
        "chars_taken": sum(o.chars for o in outcomes),
    }


def cross_validated(
    outcomes: list[Outcome], train: Callable[[list[Outcome]], gates.Gate | None], folds: int = 5
) -> dict[str, Any] | None:
    """The gate's effect on each fold when trained on the others, summed (None when too few outcomes)."""
    held: list[Outcome] = []
    kept: list[Outcome] = []
    for k in range(folds):
        test = outcomes[k::folds]
        rest = [o for i, o in enumerate(outcomes) if i % folds != k]
        gate = train(rest)
        if gate is None:
            return None
        held += test
        kept += [o for o in test if not gate.silent(o.features)]
    return {"without": _counts(held), "with": _counts(kept)}
