"""Prompt-lookup drafts checked in one batch: the drafted tokens the model agrees with are kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ghostline.model.backend import GenerationStats
from ghostline.model.lookup import NgramIndex


def verify_draft(
    llama_cpp: Any,
    llm: Any,
    token: int,
    draft: list[int],
    index: NgramIndex,
    take: Callable[[int], bool],
    stats: GenerationStats,
) -> int:
    """Evaluate ``token`` and a draft in one batch on ``llm``; keep the tokens the model agrees with.

    Returns the model's own next token (-1 when generation ended inside the draft). Greedy output is
    unchanged: a drafted token is kept only when it is the argmax after the tokens before it.
    """
    n_past = llm.n_tokens
    batch = [token, *draft]
    llm._ctx.kv_cache_seq_rm(-1, n_past, -1)
    llm._batch.set_batch(batch=batch, n_past=n_past, logits_all=True)
    llm._ctx.decode(llm._batch)
    llm.input_ids[n_past : n_past + len(batch)] = batch
    n_vocab = llm.n_vocab()
    stats.drafted_tokens += len(draft)
    for kept in range(len(batch)):
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, kept), shape=(n_vocab,))
        best = int(logits.argmax())
        note_logprob(logits, best, stats)
        if kept == len(draft) or best != draft[kept]:
            llm.n_tokens = n_past + 1 + kept  # the rest of the draft leaves the KV cache on the next eval
            return best
        stats.accepted_draft_tokens += 1
        if not take(best):
            llm.n_tokens = n_past + 2 + kept
            return -1
        index.append(best)
    return -1  # not reached: the loop returns at i == len(draft)


def note_logprob(logits: Any, token: int, stats: GenerationStats) -> None:
    """Add the log-probability of ``token`` under ``logits`` (one row, numpy) to ``stats``."""
    top = float(logits.max())
    stats.token_logprobs.append(float(logits[token]) - top - float(np.log(np.exp(logits - top).sum())))


def last_logits(llama_cpp: Any, llm: Any) -> Any:
    """The logits after the last token evaluated (a numpy view)."""
    return np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1), shape=(llm.n_vocab(),))
