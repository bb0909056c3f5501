"""A Redis that hangs (SIGSTOP: its port accepts, nothing answers) degrades like a dead one:
ingest still answers 202 without waiting on it, open streams are told to resync, /readyz
names the bus; once it answers again, everything recovers by itself (issue 17)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from chiron.state import AppState
from chiron.stream.publisher import PublishStats
from chiron.stream.redis_bus import RedisStreamBus
from tests.fixtures.factories import INGEST, sample, store_counts
from tests.stream.helpers import SSEReader, eventually
from tests.stream.redis_server import OwnedRedis

STREAM = "/api/v1/dashboard/stream"


@pytest.fixture
def stream_overrides(owned_redis: OwnedRedis) -> dict[str, Any]:
    return {"redis_url": owned_redis.url}


async def test_a_hung_redis_degrades_like_a_dead_one(
    http: httpx.AsyncClient, make_token: Any, state: AppState, owned_redis: OwnedRedis
) -> None:
    bus = state.bus
    assert isinstance(bus, RedisStreamBus)
    headers = {"Authorization": f"Bearer {await make_token(['ingest', 'read'])}"}
    body = {"samples": [sample(1.0)]}
    async with http.stream("GET", STREAM, headers=headers) as response:
        reader = SSEReader(response)
        await reader.next()
        await eventually(lambda: state.hub.connections == 1 and state.hub.cursor is not None)
        ok = await http.post(INGEST, json=body, headers=headers)
        assert (await reader.next_event()).id == ok.json()["last_event_id"]

        owned_redis.pause()
        try:
            # XADDs that reach the hung Redis: the first waits out its deadline, the rest are
            # refused at once by the breaker (before, each waited ~8 s on its own).
            reached: list[int] = []
            real_xadd = bus._commands.xadd

            async def counted_xadd(*args: Any, **kwargs: Any) -> Any:
                reached.append(1)
                return await real_xadd(*args, **kwargs)

            bus._commands.xadd = counted_xadd  # type: ignore[method-assign]
            failures = PublishStats.failures
            for _ in range(5):
                during = await http.post(INGEST, json=body, headers=headers)
                assert during.status_code == 202, during.text
                assert during.json()["last_event_id"] is None  # stored, not published
            assert PublishStats.failures == failures + 5
            assert len(reached) == 1
            assert bus.refused >= 4
            ready = await http.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"]["bus"].startswith("down")
            assert ready.json()["checks"]["store"] == "ok"
            # The hub's blocking read has a deadline too: the open stream hears of it while
            # Redis is still stopped (before, not for as long as it stayed stopped).
            resync = await reader.next_event(within=15)
            assert resync.json() == {"type": "resync", "reason": "bus_unavailable"}
        finally:
            owned_redis.resume()

        recovered = await reader.next_event(within=15)
        assert recovered.json() == {"type": "resync", "reason": "bus_recovered"}
        await eventually(lambda: not bus.stalled, within=10)
        after = await http.post(INGEST, json=body, headers=headers)
        assert after.json()["last_event_id"] is not None
        # The XADD that timed out was already in Redis's socket buffer: Redis appends it
        # once resumed. Its samples are stored, so that late event is true, not a ghost.
        seen = [await reader.next_event()]
        while seen[-1].id != after.json()["last_event_id"]:
            assert len(seen) < 3, [e.id for e in seen]
            seen.append(await reader.next_event())
        assert (await http.get("/readyz")).status_code == 200
    assert (await store_counts(state.db))["telemetry_samples"] == 7  # every 202 stored
