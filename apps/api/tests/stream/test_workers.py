"""Consumer-group workers: handlers run once per message across consumers, and what a
crashed consumer left pending is claimed by another."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from chiron.config import Settings
from chiron.stream.bus import Bus, BusMessage
from chiron.stream.factory import build_bus
from chiron.stream.workers import Workers, start_workers
from chiron.telemetry.schemas import SamplesPayload
from tests.stream.helpers import eventually, publish_samples


@pytest.fixture
async def bus(settings: Settings) -> AsyncIterator[Bus]:
    built = build_bus(settings)
    yield built
    await built.close()


async def test_samples_handler_runs_for_each_message(bus: Bus) -> None:
    seen: list[float] = []

    async def on_samples(message: BusMessage) -> None:
        payload = SamplesPayload.model_validate_json(message.data)
        seen.extend(s.value for s in payload.samples)

    workers = await start_workers(bus, {"samples": on_samples})
    try:
        await eventually(lambda: workers._group_ready)
        await publish_samples(bus, 5)
        await bus.publish("timeline", b"{}")  # no handler: acknowledged and skipped
        await eventually(lambda: len(seen) == 5)
    finally:
        await workers.stop()
    assert seen == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert workers.handled == 5


async def test_two_consumers_share_the_work(bus: Bus) -> None:
    seen: list[tuple[str, str]] = []

    def handler(name: str):  # type: ignore[no-untyped-def]
        async def handle(message: BusMessage) -> None:
            seen.append((name, message.id))

        return handle

    a = Workers(bus, {"samples": handler("a")}, group="share", consumer="a", batch=3)
    b = Workers(bus, {"samples": handler("b")}, group="share", consumer="b", batch=3)
    await a.run_once(block_ms=1)
    await b.run_once(block_ms=1)
    ids = await publish_samples(bus, 12)
    for _ in range(4):
        await a.run_once(block_ms=1)
        await b.run_once(block_ms=1)
    assert sorted(i for _, i in seen) == sorted(ids)  # each message handled exactly once
    assert {n for n, _ in seen} == {"a", "b"}


async def test_crashed_consumers_pending_entry_is_claimed(bus: Bus) -> None:
    handled: list[str] = []
    started = asyncio.Event()

    async def hangs(message: BusMessage) -> None:
        started.set()
        await asyncio.sleep(3600)  # "crashes" mid-handler: killed before it acks

    async def works(message: BusMessage) -> None:
        handled.append(message.id)

    crashed = Workers(bus, {"samples": hangs}, group="claim", consumer="crashed")
    await crashed.run_once(block_ms=1)
    survivor = Workers(
        bus, {"samples": works}, group="claim", consumer="survivor", claim_idle_ms=100
    )
    [message_id] = await publish_samples(bus, 1)
    await crashed.start()
    await asyncio.wait_for(started.wait(), 3)
    await crashed.stop()

    await survivor.run_once(block_ms=1)  # too early: not idle long enough to claim
    assert handled == []
    await asyncio.sleep(0.15)
    survivor._next_claim = 0.0
    await survivor.run_once(block_ms=1)
    assert handled == [message_id]
    assert survivor.claimed == 1
    survivor._next_claim = 0.0
    await asyncio.sleep(0.15)
    assert await bus.claim_stale("claim", "other", 100, 10) == []  # acked: nothing pending


async def test_failing_handler_is_retried_then_dropped(bus: Bus) -> None:
    attempts = 0

    async def flaky(message: BusMessage) -> None:
        nonlocal attempts
        attempts += 1
        raise RuntimeError("boom")

    workers = Workers(
        bus, {"samples": flaky}, group="retry", consumer="w", claim_idle_ms=0, max_attempts=3
    )
    await workers.run_once(block_ms=1)
    await publish_samples(bus, 1)
    for _ in range(4):
        workers._next_claim = 0.0
        await workers.run_once(block_ms=1)
    assert attempts == 3
    assert workers.failed == 3
    assert await bus.claim_stale("retry", "w", 0, 10) == []
