"""The completion service with a scripted backend: cache, latest-wins, prefetch, the latency budget."""

from __future__ import annotations

import asyncio

from ghostline.config import CompletionSettings
from ghostline.engine.completion.service import CompletionService
from ghostline.engine.document import Document
from ghostline.model import fim
from ghostline.model.fake import FakeBackend

QWEN = fim.by_name("qwen")
QUICK = CompletionSettings(debounce_ms=0, prefetch=False, warmup=False, max_latency_ms=10_000)
SOURCE = "def greet(name):\n    return \n"
CURSOR = SOURCE.index("return ") + len("return ")


def doc_with(text: str = SOURCE, uri: str = "file:///p/a.py") -> Document:
    return Document(uri, text, 1, "python")


def type_into(doc: Document, offset: int, text: str) -> None:
    pos = doc.position_at(offset)
    doc.apply_change(text, pos, pos)
    doc.reparse()
    doc.version += 1


async def test_a_suggestion_then_typing_it_is_served_from_the_cache() -> None:
    service, backend, doc = CompletionService(), FakeBackend(['"Hello, " + name'], fim=QWEN), doc_with()
    first = await service.complete(doc, CURSOR, backend, QUICK, [])
    assert first is not None and first.text == '"Hello, " + name' and not first.cached
    assert service.counters.model_calls == 1 and service.counters.last_prompt == backend.prompts[0]
    type_into(doc, CURSOR, '"Hel')
    rest = await service.complete(doc, CURSOR + 4, backend, QUICK, [])
    assert rest is not None and rest.cached and rest.text == 'lo, " + name'
    assert len(backend.prompts) == 1 and service.counters.cache_hits == 1


async def test_a_newer_request_supersedes_the_running_one() -> None:
    backend = FakeBackend(["name.upper() + '!'"], fim=QWEN, piece_chars=1, delay_s=0.02)
    service, doc = CompletionService(), doc_with()
    older = asyncio.ensure_future(service.complete(doc, CURSOR, backend, QUICK, []))
    await asyncio.sleep(0.05)  # the older one is generating
    newer = await service.complete(doc, CURSOR, backend, QUICK, [])
    assert await older is None  # superseded: no answer to show
    assert newer is not None and newer.text == "name.upper() + '!'"
    assert service.counters.superseded == 1


async def test_without_background_time_the_budget_cuts_a_slow_generation_to_what_is_safe() -> None:
    backend = FakeBackend(["name.strip().title() + ' is here'"], fim=QWEN, piece_chars=1, delay_s=0.01)
    budget = CompletionSettings(
        debounce_ms=0, prefetch=False, warmup=False, max_latency_ms=100, background_ms=0
    )
    result = await CompletionService().complete(doc_with(), CURSOR, backend, budget, [])
    assert result is not None
    if not result.cut:  # the generation stopped at the budget: what was safe of it, maybe nothing
        assert result.stats.stopped_by == "should_stop"
        assert "name.strip().title() + ' is here'".startswith(result.text)


async def test_when_the_budget_runs_out_the_suggestion_lands_later_and_the_client_is_told() -> None:
    answer = "name.strip().title() + ' is here'"
    backend = FakeBackend([answer], fim=QWEN, piece_chars=1, delay_s=0.01)
    budget = CompletionSettings(debounce_ms=0, prefetch=False, warmup=False, max_latency_ms=100)
    service, doc, told = CompletionService(), doc_with(), asyncio.Event()
    service.on_ready = lambda uri, version, offset: told.set()
    first = await service.complete(doc, CURSOR, backend, budget, [])
    assert first is not None and first.cut and first.text == ""
    await asyncio.wait_for(told.wait(), 10)  # it went on in the background
    again = await service.complete(doc, CURSOR, backend, budget, [])
    assert again is not None and again.text == answer and again.cached
    assert len(backend.prompts) == 1 and service.counters.cut == 1 and service.counters.background_ready == 1


async def test_a_cancelled_request_does_not_stop_a_generation_the_client_was_promised() -> None:
    """Cut once (the client waits for ``suggestionReady``), then a request at the same place is cancelled.

    The cancel must not stop the generation: nothing would land and the editor would never be told.
    """
    answer = "name.strip().title() + ' is here'"
    backend = FakeBackend([answer], fim=QWEN, piece_chars=1, delay_s=0.02)
    budget = CompletionSettings(debounce_ms=0, prefetch=False, warmup=False, max_latency_ms=60)
    service, doc, told = CompletionService(), doc_with(), asyncio.Event()
    service.on_ready = lambda uri, version, offset: told.set()
    first = await service.complete(doc, CURSOR, backend, budget, [])
    assert first is not None and first.cut
    again = asyncio.ensure_future(service.complete(doc, CURSOR, backend, budget, []))
    await asyncio.sleep(0.02)  # waiting for the same generation
    again.cancel()
    await asyncio.wait_for(told.wait(), 10)  # well after the cancel's grace: it landed all the same
    hit = await service.complete(doc, CURSOR, backend, budget, [])
    assert hit is not None and hit.cached and hit.text == answer and len(backend.prompts) == 1


async def test_warming_up_on_enter_leaves_a_promised_generation_alone() -> None:
    """Enter makes the server warm the next line's prompt; a generation the client waits for must go on."""
    answer = "name.strip().title() + ' is here'"
    backend = FakeBackend([answer], fim=QWEN, piece_chars=1, delay_s=0.02)
    budget = CompletionSettings(debounce_ms=0, prefetch=False, warmup=True, max_latency_ms=60)
    service, doc, told = CompletionService(), doc_with(), asyncio.Event()
    service.on_ready = lambda uri, version, offset: told.set()
    first = await service.complete(doc, CURSOR, backend, budget, [])
    assert first is not None and first.cut
    service.warm(doc, len(doc.text), backend, budget, [])  # as lsp/sync does when a newline is typed
    await asyncio.wait_for(told.wait(), 5)
    assert service.counters.background_ready == 1 and service.counters.warmups == 0


async def test_a_request_whose_generation_is_stopped_under_it_starts_its_own() -> None:
    """Waiting for the generation at the last keystroke's place, which gets stopped: ask the model anew."""
    backend = FakeBackend(['"Hello, " + name', 'Hello, " + name'], fim=QWEN, piece_chars=1, delay_s=0.02)
    service, doc = CompletionService(), doc_with()
    first = asyncio.ensure_future(service.complete(doc, CURSOR, backend, QUICK, []))
    await asyncio.sleep(0.1)  # the model is generating
    running = service._flight
    assert running is not None
    type_into(doc, CURSOR, '"')
    second = asyncio.ensure_future(service.complete(doc, CURSOR + 1, backend, QUICK, []))
    await asyncio.sleep(0.02)  # waiting for the running generation
    running.stop.set()
    answer = await second
    assert await first is None
    assert answer is not None and answer.text == 'Hello, " + name' and len(backend.prompts) == 2


async def test_a_generation_landing_empty_still_tells_a_request_typed_further_on() -> None:
    """Its own place gets nothing, but a request further on gave up waiting for it: the client asks again."""
    backend = FakeBackend(["      "], fim=QWEN, piece_chars=1, delay_s=0.05)  # blanks only: nothing to show
    budget = CompletionSettings(debounce_ms=0, prefetch=False, warmup=False, max_latency_ms=60)
    service, doc, told, where = CompletionService(), doc_with(), asyncio.Event(), []
    service.on_ready = lambda uri, version, offset: (where.append((version, offset)), told.set())
    first = asyncio.ensure_future(service.complete(doc, CURSOR, backend, budget, []))
    await asyncio.sleep(0.1)  # cut, generating in the background
    type_into(doc, CURSOR, "n")
    ahead = await service.complete(doc, CURSOR + 1, backend, budget, [])
    assert ahead is not None and ahead.cut and ahead.text == ""
    await asyncio.wait_for(told.wait(), 5)
    assert (await first) is not None and service.counters.empty == 1
    assert where == [(doc.version, CURSOR + 1)]  # told where the user is now, not where it started


async def test_whole_lines_written_before_the_budget_ran_out_are_shown_and_the_rest_lands_later() -> None:
    body = "    total = 0\n    for x in xs:\n        total += x\n    return total"
    backend = FakeBackend([body], fim=QWEN, piece_chars=4, delay_s=0.06)
    budget = CompletionSettings(debounce_ms=0, prefetch=False, warmup=False, max_latency_ms=400)
    source = "def total(xs):\n\n\nprint(total([1]))\n"
    doc, service, told = doc_with(source), CompletionService(), asyncio.Event()
    service.on_ready = lambda uri, version, offset: told.set()
    first = await service.complete(doc, source.index("\n\n") + 1, backend, budget, [])
    assert first is not None and first.cut and first.text  # some whole lines, not nothing
    assert body.startswith(first.text) and first.text.count("\n") < body.count("\n")
    assert service.counters.partial == 1 and service.counters.cut == 0
    await asyncio.wait_for(told.wait(), 10)  # the whole body lands and the client is told
    again = await service.complete(doc, source.index("\n\n") + 1, backend, budget, [])
    assert again is not None and again.cached and again.text == body


async def test_typing_ahead_waits_for_the_running_generation_instead_of_restarting_it() -> None:
    backend = FakeBackend(['"Hello, " + name'], fim=QWEN, piece_chars=1, delay_s=0.02)
    service, doc = CompletionService(), doc_with()
    first = asyncio.ensure_future(service.complete(doc, CURSOR, backend, QUICK, []))
    await asyncio.sleep(0.1)  # the model is generating
    type_into(doc, CURSOR, '"He')
    second = await service.complete(doc, CURSOR + 3, backend, QUICK, [])
    assert await first is None  # superseded by the second request, which waited for the same generation
    assert second is not None and second.text == 'llo, " + name'
    assert len(backend.prompts) == 1


async def test_prefetch_fills_the_cache_for_after_acceptance() -> None:
    backend = FakeBackend(["total = 0", " + 1"], fim=QWEN)
    service = CompletionService()
    doc = doc_with("def total(values):\n    \n")
    cursor = doc.text.index("\n    ") + 5
    settings = CompletionSettings(debounce_ms=0, prefetch=True, warmup=False, max_latency_ms=10_000)
    shown = await service.complete(doc, cursor, backend, settings, [])
    assert shown is not None and shown.text == "total = 0"
    for _ in range(100):
        if service.counters.prefetches:
            break
        await asyncio.sleep(0.01)
    assert service.counters.prefetches == 1
    type_into(doc, cursor, "total = 0")
    after = await service.complete(doc, cursor + len("total = 0"), backend, settings, [])
    assert after is not None and after.cached and after.text == " + 1"
    assert len(backend.prompts) == 2  # the shown suggestion and the prefetch; the hit cost nothing


async def test_no_suggestion_in_the_middle_of_code_and_no_model_call() -> None:
    backend, service = FakeBackend(["x"], fim=QWEN), CompletionService()
    doc = doc_with("value = compute(1) + other\n")
    result = await service.complete(doc, 8, backend, QUICK, [])
    assert result is not None and result.text == "" and backend.prompts == []
    assert service.counters.skipped == 1


async def test_forgetting_a_document_drops_its_state() -> None:
    service, backend, doc = CompletionService(), FakeBackend(["name"], fim=QWEN), doc_with()
    await service.complete(doc, CURSOR, backend, QUICK, [])
    service.forget(doc)
    assert doc.uri not in service.scheduler._latest and service.cache.lookup(doc.uri, "", "") is None
    assert service.builder.recent[-1][:2] == (doc.uri, doc.text)
