"""The bus contract, run against whichever bus this test run uses (in-process or Redis)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from chiron.config import Settings
from chiron.stream.bus import Bus, parse_id
from chiron.stream.factory import build_bus
from chiron.stream.memory import InProcessBus
from tests.stream.helpers import publish_samples


@pytest.fixture
async def bus(settings: Settings) -> AsyncIterator[Bus]:
    built = build_bus(settings)
    yield built
    await built.close()


async def test_ids_are_ms_seq_and_increasing(bus: Bus) -> None:
    assert await bus.last_id() is None
    ids = await publish_samples(bus, 50)
    keys = [parse_id(i) for i in ids]
    assert keys == sorted(keys)
    assert len(set(keys)) == 50
    assert await bus.first_id() == ids[0]
    assert await bus.last_id() == ids[-1]
    await bus.ping()


async def test_range_after_is_exclusive_and_paged(bus: Bus) -> None:
    ids = await publish_samples(bus, 10)
    assert [m.id for m in await bus.range_after(ids[2], 3)] == ids[3:6]
    assert [m.id for m in await bus.range_after("0-0", 100)] == ids
    assert await bus.range_after(ids[-1], 10) == []
    message = (await bus.range_after(ids[0], 1))[0]
    assert message.event == "samples"
    assert message.data.startswith(b"{")


async def test_read_new_waits_for_the_next_message(bus: Bus) -> None:
    [first] = await publish_samples(bus, 1)
    assert await bus.read_new(first, block_ms=50, count=10) == []
    reader = asyncio.create_task(bus.read_new(first, block_ms=3000, count=10))
    await asyncio.sleep(0.05)
    [second] = await publish_samples(bus, 1)
    assert [m.id for m in await asyncio.wait_for(reader, 3)] == [second]


@pytest.mark.parametrize("stream_overrides", [{"stream_maxlen": 100}])
async def test_retention_is_bounded(bus: Bus) -> None:
    ids = await publish_samples(bus, 1000)
    held = await bus.range_after("0-0", 10_000)
    # Redis trims approximately (whole nodes); the in-process bus exactly.
    assert 100 <= len(held) < 300
    assert held[-1].id == ids[-1]
    if isinstance(bus, InProcessBus):
        assert len(held) == 100


async def test_in_process_ids_stay_monotonic_within_a_millisecond() -> None:
    bus = InProcessBus(10)
    ids = [await bus.publish("samples", b"{}") for _ in range(100)]
    assert [parse_id(i) for i in ids] == sorted(parse_id(i) for i in ids)
    assert len(set(ids)) == 100
