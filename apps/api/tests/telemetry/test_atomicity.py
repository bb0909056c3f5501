"""A batch is one transaction on every store, whatever headers it came with: a failure
midway leaves nothing, and the rows it locks stay locked until its commit, so concurrent
batches crossing a threshold give exactly one transition per crossing (one replica or two).

On PostgreSQL the ingest path's raw statements once ran outside any transaction when the
request had no Idempotency-Key (SQLAlchemy's adapter begins lazily): a failed batch stayed
half-stored, and 10 crossings gave ~30 transitions.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from chiron.app import create_app
from chiron.config import Settings
from chiron.db import Database
from chiron.errors import InvalidInput
from chiron.gates import service as gates
from chiron.kit.time import utcnow
from chiron.telemetry.repository import TelemetryRepository
from tests.fixtures.factories import ingest, put_gate, sample, store_counts

BURSTS = 10
CONCURRENT = 20


@pytest.mark.parametrize("idempotency_key", [None, "batch-1"])
async def test_a_batch_failing_midway_stores_nothing(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    idempotency_key: str | None,
) -> None:
    await put_gate(client, auth_headers)
    before = await store_counts(db)
    reached: list[str] = []
    original = TelemetryRepository.upsert_latest

    async def upsert_then_fail(self: TelemetryRepository, rows: list[dict[str, object]]) -> None:
        await original(self, rows)  # samples, rollups and latest values are written by now
        reached.append("upsert")

    async def fail(*_: object, **__: object) -> None:
        raise InvalidInput("injected failure after the batch's first statements")

    monkeypatch.setattr(TelemetryRepository, "upsert_latest", upsert_then_fail)
    monkeypatch.setattr(gates, "apply_samples", fail)
    headers = {**auth_headers, **({"Idempotency-Key": idempotency_key} if idempotency_key else {})}
    samples = [sample(float(v), source="core", metric="core.temp") for v in range(10)]
    response = await ingest(client, headers, samples)
    assert response.status_code == 422, response.text
    assert reached == ["upsert"]  # the failure came after the writes, not before them
    assert await store_counts(db) == before


@pytest.fixture
async def second_replica(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Another API process on the same store: its own engine, pool and connections."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def _crossings(clients: list[httpx.AsyncClient], headers: dict[str, str]) -> int:
    transitions = 0
    start = utcnow() - timedelta(minutes=10)
    for burst in range(BURSTS):
        at = start + timedelta(seconds=burst * 10)
        # Many batches beyond `warn` at once: exactly one of them moves the gate to HOLD.
        responses = await asyncio.gather(
            *(
                ingest(
                    clients[i % len(clients)],
                    headers,
                    [sample(85.0, source="core", metric="core.temp", ts=at + timedelta(seconds=1))],
                )
                for i in range(CONCURRENT)
            )
        )
        assert {r.status_code for r in responses} == {202}
        transitions += sum(len(r.json()["gate_transitions"]) for r in responses)
        back = await ingest(
            clients[0],
            headers,
            [sample(70.0, source="core", metric="core.temp", ts=at + timedelta(seconds=5))],
        )
        assert [t["to_status"] for t in back.json()["gate_transitions"]] == ["go"]
    return transitions


async def _go_to_hold_events(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    page = await client.get("/api/v1/dashboard/timeline", params={"limit": 200}, headers=headers)
    return sum("GO → HOLD" in e["title"] for e in page.json()["items"])


async def test_concurrent_crossings_give_one_transition_each(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    await put_gate(client, auth_headers, hysteresis=0.0)
    assert await _crossings([client], auth_headers) == BURSTS
    assert await _go_to_hold_events(client, auth_headers) == BURSTS


async def test_concurrent_crossings_on_two_replicas_give_one_transition_each(
    client: httpx.AsyncClient, second_replica: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    await put_gate(client, auth_headers, hysteresis=0.0)
    assert await _crossings([client, second_replica], auth_headers) == BURSTS
    assert await _go_to_hold_events(client, auth_headers) == BURSTS
