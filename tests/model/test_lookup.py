"""Prompt-lookup drafts: the n-gram index and how much to draft after hits and misses."""

from __future__ import annotations

from ghostline.model.lookup import COOLDOWN, DraftPolicy, NgramIndex


def test_draft_is_what_followed_the_newest_ngram_last_time() -> None:
    index = NgramIndex([1, 2, 3, 4, 5, 6, 9, 1, 2, 3])
    assert index.draft(3) == [4, 5, 6]
    index.append(7)  # (2, 3, 7) never occurred
    assert index.draft(3) == []


def test_policy_grows_on_hits_and_waits_after_a_miss() -> None:
    policy = DraftPolicy(size=2, most=6)
    assert policy.allowance() == 2
    policy.update(2, 2)
    policy.update(4, 4)
    assert policy.allowance() == 6  # capped
    policy.update(6, 0)  # rejected outright: decode normally for a while, then draft less
    assert [policy.allowance() for _ in range(COOLDOWN)] == [0] * COOLDOWN
    assert policy.allowance() == 3
    policy.update(3, 1)  # partly confirmed: draft what was confirmed
    assert policy.allowance() == 1
