"""Latest-wins scheduling with a deterministic job (the real model is covered end to end)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from ghostline.engine.completion.scheduler import Scheduler


async def test_newer_request_stops_the_running_job_within_its_next_check() -> None:
    scheduler = Scheduler()
    started = threading.Event()
    checks: list[bool] = []

    def job(should_stop: Callable[[], bool]) -> str:
        started.set()
        while not should_stop():
            checks.append(False)
            threading.Event().wait(0.005)
        return "stopped"

    first = scheduler.take_ticket("a")
    running = asyncio.ensure_future(scheduler.run("a", first, 0, job))
    await asyncio.to_thread(started.wait, 5)
    second = scheduler.take_ticket("a")
    assert await asyncio.wait_for(running, 5) is None  # superseded: answered, with nothing
    assert scheduler.superseded == 1
    assert await scheduler.run("a", second, 0, lambda stop: "fresh") == "fresh"


async def test_debounced_requests_never_run() -> None:
    scheduler = Scheduler()
    ran: list[int] = []
    tickets = [scheduler.take_ticket("doc") for _ in range(5)]
    results = await asyncio.gather(
        *(scheduler.run("doc", t, 20, lambda stop, t=t: ran.append(t) or t) for t in tickets)
    )
    assert results[:4] == [None] * 4 and results[4] == tickets[4]
    assert ran == [tickets[4]]


async def test_newest_counts_every_document() -> None:
    scheduler = Scheduler()
    warm = scheduler.take_ticket("a")
    assert scheduler.newest == warm
    scheduler.take_ticket("b")  # background work for "a" checks this and yields
    assert scheduler.newest != warm


async def test_cancelling_sets_the_stop_flag() -> None:
    scheduler = Scheduler()
    flag: dict[str, Callable[[], bool]] = {}
    started = threading.Event()

    def job(should_stop: Callable[[], bool]) -> None:
        flag["stop"] = should_stop
        started.set()
        while not should_stop():
            threading.Event().wait(0.005)

    task = asyncio.ensure_future(scheduler.run("a", scheduler.take_ticket("a"), 0, job))
    await asyncio.to_thread(started.wait, 5)
    task.cancel()
    await asyncio.sleep(0.05)
    assert flag["stop"]() is True
    assert scheduler.cancelled == 1


async def test_running_counts_a_job_until_its_thread_is_done_even_after_a_cancel() -> None:
    scheduler = Scheduler()
    started, release = threading.Event(), threading.Event()

    def job(should_stop: Callable[[], bool]) -> str:
        started.set()
        release.wait(5)  # does not look at should_stop: a model call between two tokens
        return "late"

    task = asyncio.ensure_future(scheduler.run("a", scheduler.take_ticket("a"), 0, job))
    await asyncio.to_thread(started.wait, 5)
    assert scheduler.running == 1
    task.cancel()
    await asyncio.sleep(0.05)
    assert scheduler.running == 1  # cancelled, but its thread still works
    release.set()
    for _ in range(100):
        if scheduler.running == 0:
            break
        await asyncio.sleep(0.01)
    assert scheduler.running == 0
