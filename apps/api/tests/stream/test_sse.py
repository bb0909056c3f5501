"""The SSE endpoint over a real server: auth, headers, resume, resync, heartbeats, disconnects."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import httpx
import pytest
from httpx_sse import aconnect_sse

from chiron.kit.time import utcnow
from chiron.state import AppState
from chiron.stream.bus import parse_id
from chiron.telemetry.schemas import SamplesPayload, StreamSample
from tests.stream.helpers import SSEReader, eventually, publish_samples

STREAM = "/api/v1/dashboard/stream"


async def test_requires_credentials(http: httpx.AsyncClient) -> None:
    response = await http.get(STREAM)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"]


async def test_requires_read_scope(http: httpx.AsyncClient, make_token: Any) -> None:
    token = await make_token(["ingest"])
    response = await http.get(STREAM, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


async def test_rejects_malformed_cursor(
    http: httpx.AsyncClient, read_headers: dict[str, str]
) -> None:
    response = await http.get(STREAM, params={"last_event_id": "nope"}, headers=read_headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


async def test_headers_and_live_events(
    http: httpx.AsyncClient, read_headers: dict[str, str], state: AppState
) -> None:
    async with http.stream("GET", STREAM, headers=read_headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache, no-transform"
        assert response.headers["x-accel-buffering"] == "no"
        assert "content-encoding" not in response.headers
        assert "content-length" not in response.headers
        reader = SSEReader(response)
        assert (await reader.next()).event == "comment"  # the preamble arrives at once
        await eventually(lambda: state.hub.connections == 1)
        ids = await publish_samples(state.bus, 3)
        received = [await reader.next_event() for _ in ids]
    assert [e.id for e in received] == ids
    assert {e.event for e in received} == {"samples"}
    assert [e.json()["samples"][0]["value"] for e in received] == [0.0, 1.0, 2.0]
    assert received[0].json()["type"] == "samples"


async def test_frame_is_flushed_alone(
    http: httpx.AsyncClient, read_headers: dict[str, str], state: AppState
) -> None:
    """One event published, one event received promptly: nothing waits for a buffer to fill."""
    async with http.stream("GET", STREAM, headers=read_headers) as response:
        reader = SSEReader(response)
        await reader.next()
        await eventually(lambda: state.hub.connections == 1)
        loop = asyncio.get_running_loop()
        started = loop.time()
        [sent] = await publish_samples(state.bus, 1)
        event = await reader.next_event(within=2.0)
        assert event.id == sent
        assert loop.time() - started < 0.5


async def test_resume_at_random_points_yields_every_event_once(
    http: httpx.AsyncClient, read_headers: dict[str, str], state: AppState
) -> None:
    total = 1000
    [start] = await publish_samples(state.bus, 1, start=-1)
    publisher = asyncio.create_task(publish_samples(state.bus, total, pace=10))
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    cuts = sorted(rng.sample(range(1, total), 3))
    received: list[str] = []
    cursor = start
    for stop in [*cuts, total]:
        headers = {**read_headers, "Last-Event-ID": cursor}
        async with aconnect_sse(http, "GET", STREAM, headers=headers) as source:
            async for sse in source.aiter_sse():
                if not sse.id:
                    continue
                assert sse.event == "samples", (seed, sse)
                received.append(sse.id)
                if len(received) == stop:
                    break
        cursor = received[-1]
    published = await publisher
    assert received == published, f"seed={seed}"
    assert len(set(received)) == total


async def test_query_cursor_and_header_precedence(
    http: httpx.AsyncClient, read_headers: dict[str, str], state: AppState
) -> None:
    ids = await publish_samples(state.bus, 5)
    params = {"last_event_id": ids[0]}
    async with http.stream("GET", STREAM, params=params, headers=read_headers) as response:
        reader = SSEReader(response)
        assert [(await reader.next_event()).id for _ in range(4)] == ids[1:]
    headers = {**read_headers, "Last-Event-ID": ids[3]}
    async with http.stream("GET", STREAM, params=params, headers=headers) as response:
        reader = SSEReader(response)
        assert (await reader.next_event()).id == ids[4]


@pytest.mark.parametrize("stream_overrides", [{"stream_maxlen": 10}])
async def test_trimmed_cursor_gets_resync_then_live(
    http: httpx.AsyncClient, read_headers: dict[str, str], state: AppState
) -> None:
    ids = await publish_samples(state.bus, 500)  # Redis trims whole nodes of ~100 entries
    first = await state.bus.first_id()
    assert first is not None
    assert parse_id(first) > parse_id(ids[0])
    headers = {**read_headers, "Last-Event-ID": ids[0]}
    async with http.stream("GET", STREAM, headers=headers) as response:
        reader = SSEReader(response)
        resync = await reader.next_event()
        assert resync.event == "resync"
        assert resync.json() == {"type": "resync", "reason": "cursor_trimmed"}
        assert resync.id == ids[-1]  # current to the newest: the summary covers the rest
        await eventually(lambda: state.hub.connections == 1)
        [fresh] = await publish_samples(state.bus, 1)
        assert (await reader.next_event()).id == fresh


async def test_unknown_cursor_gets_resync(
    http: httpx.AsyncClient, read_headers: dict[str, str], state: AppState
) -> None:
    ids = await publish_samples(state.bus, 2)
    ahead = f"{parse_id(ids[-1])[0] + 60_000}-0"
    headers = {**read_headers, "Last-Event-ID": ahead}
    async with http.stream("GET", STREAM, headers=headers) as response:
        event = await SSEReader(response).next_event()
    assert event.event == "resync"
    assert event.json()["reason"] == "cursor_unknown"


@pytest.mark.parametrize("stream_overrides", [{"heartbeat_s": 0.2}])
async def test_idle_stream_gets_heartbeats(
    http: httpx.AsyncClient, read_headers: dict[str, str]
) -> None:
    async with http.stream("GET", STREAM, headers=read_headers) as response:
        reader = SSEReader(response)
        pings = 0
        async with asyncio.timeout(3):
            while pings < 3:
                event = await reader.next()
                assert event.event == "comment"
                pings += event.data == "ping"


async def test_disconnect_is_noticed_on_an_idle_stream(
    http: httpx.AsyncClient, read_headers: dict[str, str], state: AppState
) -> None:
    assert state.settings.heartbeat_s >= 15  # nothing is written: only the watcher can notice
    async with http.stream("GET", STREAM, headers=read_headers) as response:
        await SSEReader(response).next()
        await eventually(lambda: state.hub.connections == 1)
        # No database connection is held while streaming.
        assert state.db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    await eventually(lambda: state.hub.connections == 0, within=1.0)


@pytest.mark.parametrize("stream_overrides", [{"stream_queue_size": 5}])
async def test_slow_consumer_gets_resync_with_bounded_memory(
    http: httpx.AsyncClient, read_headers: dict[str, str], state: AppState
) -> None:
    now = utcnow()
    samples = [
        StreamSample(source=f"r-{i}", metric="pad", value=i, ts=now, severity="ok")
        for i in range(2000)
    ]
    big = SamplesPayload(samples=samples).encode()
    async with http.stream("GET", STREAM, headers=read_headers) as response:
        reader = SSEReader(response)
        await reader.next()
        await eventually(lambda: state.hub.connections == 1)
        # Publish far more than socket buffers hold while the client reads nothing.
        ids = [await state.bus.publish("samples", big) for _ in range(300)]
        await asyncio.sleep(0.2)
        queued = [len(s) for s in state.hub._subscribers]
        assert queued
        assert max(queued) <= 5
        events = []
        async with asyncio.timeout(20):
            while not events or events[-1].id != ids[-1]:
                events.append(await reader.next_event(within=10))
    kinds = [e.event for e in events]
    assert "resync" in kinds
    resync = events[kinds.index("resync")]
    assert resync.json()["reason"] == "slow_consumer"
    delivered = [e.id for e in events if e.event == "samples"]
    assert len(delivered) < len(ids)  # some were dropped, and the client was told
    assert delivered == sorted(delivered, key=parse_id)
