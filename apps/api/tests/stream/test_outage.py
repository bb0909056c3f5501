"""Redis stopped and restarted under a live stream: ingest keeps answering 202 and storing,
/readyz says the bus is down, open streams get `resync`, and everything recovers by itself."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from chiron.state import AppState
from chiron.stream.publisher import PublishStats
from tests.stream.helpers import SSEReader, eventually
from tests.stream.redis_server import OwnedRedis

STREAM = "/api/v1/dashboard/stream"


@pytest.fixture
def stream_overrides(owned_redis: OwnedRedis) -> dict[str, Any]:
    return {"redis_url": owned_redis.url}


def batch(value: float) -> dict[str, Any]:
    return {"samples": [{"source": "rover-9", "metric": "battery.voltage", "value": value}]}


async def test_redis_restart_mid_stream(
    http: httpx.AsyncClient, make_token: Any, state: AppState, owned_redis: OwnedRedis
) -> None:
    assert state.bus.name == "redis"
    headers = {"Authorization": f"Bearer {await make_token(['ingest', 'read'])}"}
    async with http.stream("GET", STREAM, headers=headers) as response:
        reader = SSEReader(response)
        await reader.next()
        await eventually(lambda: state.hub.connections == 1 and state.hub.cursor is not None)

        ok = await http.post("/api/v1/dashboard/samples", json=batch(1), headers=headers)
        assert ok.status_code == 202
        event = await reader.next_event()
        assert (event.event, event.id) == ("samples", ok.json()["last_event_id"])

        owned_redis.kill()
        failures = PublishStats.failures
        during = await http.post("/api/v1/dashboard/samples", json=batch(2), headers=headers)
        assert during.status_code == 202  # stored; the stream is told to resync instead
        assert during.json()["accepted"] == 1
        assert during.json()["last_event_id"] is None
        assert PublishStats.failures > failures
        ready = await http.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["bus"].startswith("down")
        assert ready.json()["checks"]["store"] == "ok"
        resync = await reader.next_event(within=10)
        assert resync.event == "resync"
        assert resync.json()["reason"] == "bus_unavailable"
        assert resync.id == event.id  # the client keeps its position

        await owned_redis.start()
        recovered = await reader.next_event(within=15)
        assert recovered.json() == {"type": "resync", "reason": "bus_recovered"}
        assert not state.hub.degraded
        assert (await http.get("/readyz")).status_code == 200

        after = await http.post("/api/v1/dashboard/samples", json=batch(3), headers=headers)
        assert after.status_code == 202
        live = await reader.next_event()
        assert (live.event, live.id) == ("samples", after.json()["last_event_id"])
        assert live.json()["samples"][0]["value"] == 3.0

    summary = await http.get("/api/v1/dashboard/summary", headers=headers)
    assert summary.json()["counts"]["samples_total"] == 3  # nothing missing from the store
