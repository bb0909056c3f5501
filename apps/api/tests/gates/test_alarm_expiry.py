"""A shelf ends by itself exactly once, however many replicas sweep (fake clock)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from chiron.app import create_app
from chiron.config import Settings
from chiron.gates.alarms import expire_shelves
from chiron.gates.repository import GateRepository
from chiron.kit.time import utcnow
from chiron.state import AppState
from chiron.uow import UnitOfWork
from tests.fixtures.factories import ingest, put_gate
from tests.gates.alarm_helpers import action, alarm, person, temp, timeline


@pytest.fixture
async def replica(settings: Settings) -> AsyncIterator[AppState]:
    """A second API process on the same store (and, on Redis, the same bus)."""
    other: FastAPI = create_app(settings)
    async with other.router.lifespan_context(other):
        other.state.chiron.extras["_app"] = other
        yield other.state.chiron


async def _sweep(state: AppState, now: object) -> tuple[int, list[str]]:
    async with UnitOfWork(state.db, state.bus) as uow:
        expired = await expire_shelves(uow, now)  # type: ignore[arg-type]
    return expired, [m.type for m in uow.sent]


@pytest.mark.parametrize("condition", ["still_bad", "cleared"])
async def test_shelf_expires_once_across_two_replicas(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    settings: Settings,
    state: AppState,
    replica: AppState,
    condition: str,
) -> None:
    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, temp([95.0]))  # NO-GO: raised
    operator = person(settings)
    shelved = await client.post(
        action("thermal", "shelve"),
        json={"duration_s": 60, "comment": "known sensor fault"},
        headers=operator,
    )
    assert shelved.status_code == 200, shelved.text
    if condition == "cleared":
        await ingest(client, auth_headers, temp([70.0]))  # back to GO while shelved
    assert (await alarm(client, auth_headers))["state"] == "shelved"

    early = utcnow() + timedelta(seconds=30)
    assert await asyncio.gather(_sweep(state, early), _sweep(replica, early)) == [
        (0, []),
        (0, []),
    ]  # not yet due

    due = utcnow() + timedelta(seconds=61)
    results = await asyncio.gather(_sweep(state, due), _sweep(replica, due))
    assert sorted(expired for expired, _ in results) == [0, 1]
    assert sorted(sent for _, sent in results) == [[], ["timeline", "alarm"]]
    later = due + timedelta(minutes=5)
    assert [await _sweep(s, later) for s in (state, replica)] == [(0, []), (0, [])]

    (event,) = [e for e in await timeline(client, auth_headers, "alarm") if "expired" in e["title"]]
    after = await alarm(client, auth_headers)
    assert after["shelved_until"] is None
    if condition == "still_bad":
        assert after["state"] == "unacked"  # the gate is still NO-GO: raised at once
        assert after["latched_status"] == "no-go"
        assert event["title"] == "Thermal envelope: shelf expired; alarm raised again"
    else:
        assert after["state"] == "normal"
        assert event["title"] == "Thermal envelope: shelf expired; alarm back to normal"
    assert event["actor"] is None  # nobody did it: time did


async def test_two_replicas_acknowledging_at_once_record_one_acknowledgement(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    settings: Settings,
    replica: AppState,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, temp([95.0]))
    # Force the race: each request, once it has read the gate, waits (up to a second) for
    # the other to have read it too. A read that takes the row lock never lets the other
    # read before the commit; without it both read `unacked`.
    arrived, both = [0], asyncio.Event()
    by_slug = GateRepository.by_slug

    async def racing_read(self: GateRepository, slug: str, *, lock: bool = False) -> Any:
        gate = await by_slug(self, slug, lock=lock)
        arrived[0] += 1
        if arrived[0] >= 2:
            both.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(1.0):
                await both.wait()
        return gate

    monkeypatch.setattr(GateRepository, "by_slug", racing_read)
    other_app = replica.extras.get("_app")
    assert other_app is not None
    transport = httpx.ASGITransport(app=other_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as other:
        ada, grace = person(settings, name="Ada"), person(settings, name="Grace")
        url = action("thermal", "acknowledge")
        responses = await asyncio.gather(
            *(c.post(url, json={}, headers=h) for c, h in [(client, ada), (other, grace)])
        )
    assert sorted(r.status_code for r in responses) == [200, 409]
    acks = await timeline(client, auth_headers, "alarm")
    assert len(acks) == 1
    assert (await alarm(client, auth_headers))["state"] == "acked"


async def test_the_periodic_sweep_ends_due_shelves(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    settings: Settings,
    state: AppState,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`run_sweeper` (every process's background job) runs the expiry after the staleness
    sweep: one pass of its loop, with the clock a minute on."""
    from chiron import uow as uow_module
    from chiron.gates import alarms
    from chiron.telemetry import staleness

    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, temp([95.0]))
    shelved = await client.post(
        action("thermal", "shelve"),
        json={"duration_s": 1, "comment": "flap"},
        headers=person(settings),
    )
    assert shelved.status_code == 200
    later = utcnow() + timedelta(minutes=1)
    monkeypatch.setattr(alarms, "utcnow", lambda: later)

    async def stop(_: float) -> None:
        raise asyncio.CancelledError

    monkeypatch.setattr(uow_module.asyncio, "sleep", stop)
    with pytest.raises(asyncio.CancelledError):
        await staleness.run_sweeper(state.db, state.bus, 5.0)
    assert (await alarm(client, auth_headers))["state"] == "unacked"
