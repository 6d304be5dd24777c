"""The gate in use: judge each suggestion before it is shown, learn from what the user does with it."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from ghostline.config import CompletionSettings
from ghostline.engine.completion import gate as gates
from ghostline.engine.completion.generate import Suggestion
from ghostline.engine.completion.outcomes import Outcome, OutcomeStore, Tracker, gate_path

log = logging.getLogger("ghostline")

RETRAIN_EVERY = 100
"""New outcomes between two trainings of the gate in the server."""
MIN_OUTCOMES, MIN_TAKEN = 150, 20
"""A gate is trained only from this many outcomes, this many of them taken."""
KEEP = 0.99
"""The gate's threshold keeps the suggestions worth this share of the accepted characters it learned from."""


def facts_for(
    suggestion: Suggestion, text: str, language: str, recent_rate: float, pause_s: float
) -> gates.Facts:
    """The gate's facts of ``suggestion`` in a document whose text is ``text``."""
    offset = suggestion.offset
    stats = suggestion.stats
    return gates.facts_of(
        suggestion.text,
        text[text.rfind("\n", 0, offset) + 1 : offset],
        text[offset : offset + 2000],
        stats.confidence(len(suggestion.text) + 1),  # +1: a blank the prompt's healing moved into the answer
        stats.stopped_by == "max_tokens",
        language,
        recent_rate,
        pause_s,
    )


class Learner:
    """Outcomes recorded, the gate loaded from disk and retrained as outcomes come in."""

    def __init__(self, store: OutcomeStore | None = None, path: Path | None = None) -> None:
        self.tracker = Tracker(store or OutcomeStore())
        self.path = path or gate_path()
        self.gate: gates.Gate | None = None
        self._stamp: float | None = None
        self._since = 0
        self.refresh()

    def refresh(self) -> None:
        """Load the gate again when its file changed (``ghostline gate train`` ran, or it was forgotten)."""
        try:
            stamp: float | None = self.path.stat().st_mtime
        except OSError:
            stamp = None
        if stamp != self._stamp:
            self._stamp, self.gate = stamp, gates.load(self.path) if stamp is not None else None

    def settings_for(self, settings: CompletionSettings) -> CompletionSettings:
        """``settings`` with the active gate's cut (``trim_percent``) when it is the larger."""
        if not settings.gate:
            return settings
        self.refresh()
        if self.gate is None or self.gate.trim_percent <= settings.trim_percent:
            return settings
        return dataclasses.replace(settings, trim_percent=self.gate.trim_percent)

    def judge(self, uri: str, text: str, suggestion: Suggestion, language: str) -> bool:
        """Whether to show ``suggestion``; it is remembered either way, to learn what became of it."""
        same = self.tracker.pending.get(uri)
        if same is not None and self.tracker.continues(same, suggestion.offset, suggestion.text):
            return not same.gated  # the rest of one already judged, the user typing along
        self.refresh()
        facts = facts_for(suggestion, text, language, self.tracker.recent_rate(), self.tracker.pause(uri))
        features = facts.vector()
        gated = self.gate is not None and self.gate.silent(features)
        self.tracker.offered(uri, suggestion.offset, suggestion.text, features, len(text), gated)
        return not gated

    def changed(self, uri: str, text: str) -> bool:
        """The document changed; True when the gate is due to be retrained (call ``retrain`` off the loop)."""
        before = sum(self.tracker.counts.values())
        self.tracker.changed(uri, text)
        self._since += sum(self.tracker.counts.values()) - before
        if self._since < RETRAIN_EVERY:
            return False
        self._since = 0
        return True

    def retrain(self) -> gates.Gate | None:
        """Train the gate on every stored outcome and save it (None when there are too few yet)."""
        fresh = train(self.tracker.store.all(), self.gate.trim_percent if self.gate else 0)
        if fresh is not None:
            fresh.save(self.path)
            self.gate, self._stamp = fresh, self.path.stat().st_mtime
            log.info("stay-silent gate trained on %d outcomes", fresh.trained_on)
        return fresh


def train(outcomes: list[Outcome], trim_percent: int = 0) -> gates.Gate | None:
    """A gate fitted to ``outcomes`` with its threshold keeping ``KEEP`` of the accepted characters.

    ``trim_percent``: the cut the suggestions behind these outcomes were shown with (the gate applies it).
    """
    usable = [o for o in outcomes if len(o.features) == len(gates.NAMES)]
    if len(usable) < MIN_OUTCOMES or sum(o.label for o in usable) < MIN_TAKEN:
        return None
    gate = gates.train([o.features for o in usable], [o.label for o in usable])
    gate.trim_percent = trim_percent
    chances = [gate.chance(o.features) for o in usable]
    gate.threshold = gates.threshold_keeping(chances, [o.chars if o.label else 0 for o in usable], KEEP)
    return gate
