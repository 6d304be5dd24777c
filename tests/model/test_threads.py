"""The thread count follows the cores other programs leave free, and the faster of two counts measured."""

from __future__ import annotations

import time

import pytest

from ghostline.model import fetch, registry
from ghostline.model.backend import GenerationStats
from ghostline.model.llama import LlamaBackend, decode_steps
from ghostline.model.threads import CHECK_AFTER, EXPLORE_EVERY, CallPace, CpuMeter, ThreadTuner


class Busy(CpuMeter):
    """A meter that reports what the test says other programs use."""

    def __init__(self, cores: float) -> None:
        self.cores = cores

    def others_busy(self) -> float | None:
        return self.cores


def test_threads_follow_the_free_cores() -> None:
    assert ThreadTuner(2, Busy(0.1)).pick() == 2
    assert ThreadTuner(2, Busy(1.0)).pick() == 1  # one busy program on two cores: one thread
    assert ThreadTuner(8, Busy(3.2)).pick() == 5
    assert ThreadTuner(2, Busy(5.0)).pick() == 1  # never fewer than one
    assert ThreadTuner(4, None).pick() == 4  # no /proc: all cores


def test_a_neighbour_is_tried_now_and_then_and_kept_when_faster() -> None:
    tuner = ThreadTuner(4, Busy(0.0))
    picks = []
    for _ in range(EXPLORE_EVERY * 2):
        threads = tuner.pick()
        picks.append(threads)
        tuner.record(threads, seconds=1.0 if threads == 4 else 0.5, tokens=10)  # 3 threads are faster here
    assert 3 in picks[:EXPLORE_EVERY]  # explored
    assert picks[-1] == 3  # and kept


def test_speeds_are_kept_apart_by_how_busy_the_machine_was() -> None:
    tuner = ThreadTuner(2, Busy(0.0))
    tuner.pick()
    tuner.record(2, seconds=0.3, tokens=10)  # quiet: two threads are fast
    tuner.meter = Busy(1.0)
    assert tuner.pick() == 1  # busy now: the quiet measurement does not pull it back to two


def test_the_real_meter_reads_proc() -> None:
    meter = CpuMeter()
    sum(range(200_000))
    busy = meter.others_busy()
    assert busy is None or busy >= 0.0


def test_more_threads_than_free_cores_are_never_tried() -> None:
    """Beside a busy program a second thread spins against it (a 2-thread try once wrote nothing in 20 s)."""
    tuner = ThreadTuner(2, Busy(1.0))
    picks = []
    for _ in range(EXPLORE_EVERY * 3):
        picks.append(threads := tuner.pick())
        tuner.record(threads, seconds=0.5, tokens=10)
    assert set(picks) == {1}


def test_a_call_that_crawls_drops_a_thread_mid_call() -> None:
    tuner = ThreadTuner(4, Busy(0.0))
    tuner.pick()
    tuner.record(4, seconds=0.3, tokens=10)  # 30 ms a token, measured before
    pace = CallPace(tuner, 4, since=time.perf_counter() - 0.4)  # 4 tokens in 400 ms: 100 ms a token
    assert pace.tick(CHECK_AFTER) == 3
    assert tuner.speeds[(4, 4)] > 0.03  # the slow speed is filed: the next pick knows it
    assert pace.tick(CHECK_AFTER + 1) is None  # judged again only after a few tokens at the new count


def test_a_call_at_the_usual_speed_keeps_its_threads() -> None:
    tuner = ThreadTuner(2, Busy(0.0))
    tuner.pick()
    tuner.record(2, seconds=0.3, tokens=10)
    pace = CallPace(tuner, 2, since=time.perf_counter() - 0.15)  # 4 tokens in 150 ms: the usual pace
    assert pace.tick(CHECK_AFTER) is None
    one = CallPace(tuner, 1, since=time.perf_counter() - 10)  # one thread cannot drop further
    assert one.tick(CHECK_AFTER) is None
    pace.finish(CHECK_AFTER)
    assert tuner.speeds[(2, 2)] < 0.05  # filed under the quiet state, still fast


def test_steps_count_neither_the_first_token_nor_accepted_drafts() -> None:
    assert decode_steps(GenerationStats(generated_tokens=1)) == 0  # sampled from the prompt's logits
    assert decode_steps(GenerationStats(generated_tokens=10, accepted_draft_tokens=4)) == 5


@pytest.mark.model
def test_a_one_token_call_files_no_speed_that_would_make_normal_decoding_look_slow() -> None:
    """A one-token call took no decoding step.

    Filed as one, its few milliseconds made every later call "crawl" at the usual speed and decode on one
    thread of two (measured: 11.8 instead of 20.7 tokens/s).
    """
    backend = LlamaBackend(str(fetch.pull(registry.resolve("smollm2-135m"))), name="smollm2-135m", n_ctx=512)
    try:
        if backend._tuner is None:
            pytest.skip("the thread tuner only runs on the CPU with model.nThreads unset")
        backend.generate("def add(a, b):", max_tokens=1).text()
        assert backend._tuner.speeds == {}
        generation = backend.generate("def add(a, b):\n", max_tokens=12)
        generation.text()
        speeds = list(backend._tuner.speeds.values())
        assert generation.stats.generated_tokens < 2 or (speeds and min(speeds) > 0.001)
    finally:
        backend.close()
