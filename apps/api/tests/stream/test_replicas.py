"""Two real `chiron serve` processes sharing one Redis and one database behave as one
service: a sample ingested through A reaches an SSE client connected to B."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_SECRET
from tests.fixtures.cli import chiron_ok, serve
from tests.fixtures.stores import REDIS_URL, stream_key
from tests.stream.helpers import SSEReader

STREAM = "/api/v1/dashboard/stream"

pytestmark = pytest.mark.slow


@pytest.fixture
def replica_env(migrated: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHIRON_", "OTEL_"))}
    env.update(
        CHIRON_ENV="test",
        CHIRON_DATABASE_URL=migrated,
        CHIRON_REDIS_URL=REDIS_URL,  # replicas need Redis whatever this run's bus is
        CHIRON_STREAM_KEY=stream_key("chiron-test:replicas"),
        CHIRON_SECRET_KEY=TEST_SECRET,
        CHIRON_SEED_ON_START="false",
        CHIRON_LOG_FORMAT="json",
        CHIRON_LOG_LEVEL="WARNING",
    )
    return env


@pytest.fixture
async def start_replica(
    replica_env: dict[str, str], tmp_path: Path
) -> AsyncIterator[Callable[[], object]]:
    async with contextlib.AsyncExitStack() as replicas:

        async def start() -> str:
            return await replicas.enter_async_context(serve(replica_env, tmp_path))

        yield start


async def test_sample_ingested_on_a_reaches_stream_on_b(
    start_replica: Callable[[], object], replica_env: dict[str, str], tmp_path: Path
) -> None:
    created = await asyncio.to_thread(
        functools.partial(chiron_ok, env=replica_env, cwd=tmp_path),
        *("clients", "create", "replicas", "--scope", "ingest", "--scope", "read"),
    )
    match = re.search(r"^(chiron_\S+)$", created, re.MULTILINE)
    assert match, created
    headers = {"Authorization": f"Bearer {match.group(1)}"}
    a, b = await asyncio.gather(start_replica(), start_replica())  # type: ignore[call-overload]
    body = {"samples": [{"source": "rover-a", "metric": "battery.voltage", "value": 24.5}]}

    async with (
        httpx.AsyncClient(base_url=a, timeout=10) as on_a,
        httpx.AsyncClient(base_url=b, timeout=10) as on_b,
        on_b.stream("GET", STREAM, headers=headers) as response,
    ):
        assert response.status_code == 200
        reader = SSEReader(response)
        await reader.next()
        await asyncio.sleep(0.3)  # B's hub is tailing already; give the subscription a beat
        first = await on_a.post("/api/v1/dashboard/samples", json=body, headers=headers)
        assert first.status_code == 202, first.text
        event = await reader.next_event(within=10)
        assert event.event == "samples"
        assert event.id == first.json()["last_event_id"]
        assert event.json()["samples"][0]["source"] == "rover-a"

        # B also replays what A published while a client was away.
        second = await on_a.post("/api/v1/dashboard/samples", json=body, headers=headers)
        resume = {**headers, "Last-Event-ID": event.id}
        async with on_b.stream("GET", STREAM, headers=resume) as again:
            replayed = await SSEReader(again).next_event(within=10)
        assert replayed.id == second.json()["last_event_id"]
