"""A shelf ends by itself exactly once, however many replicas sweep (fake clock)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from chiron.app import create_app
from chiron.config import Settings
from chiron.gates.alarms import expire_shelves
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
