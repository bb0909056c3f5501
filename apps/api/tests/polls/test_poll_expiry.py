"""A poll with `closes_at` closes by itself exactly once, however many replicas run the
job (fake clock: the job is called with `now`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from chiron.app import create_app
from chiron.config import Settings
from chiron.kit.time import utcnow
from chiron.polls.service import close_due
from chiron.state import AppState
from chiron.uow import UnitOfWork
from tests.gates.alarm_helpers import timeline
from tests.polls.helpers import URL, answer, open_poll, station


@pytest.fixture
async def replica(settings: Settings) -> AsyncIterator[AppState]:
    """A second API process on the same store (and, on Redis, the same bus)."""
    other: FastAPI = create_app(settings)
    async with other.router.lifespan_context(other):
        yield other.state.chiron


async def _sweep(state: AppState, now: object) -> tuple[int, list[str]]:
    async with UnitOfWork(state.db, state.bus) as uow:
        closed = await close_due(uow, now)  # type: ignore[arg-type]
    return closed, [m.type for m in uow.sent]


async def test_poll_closes_by_time_once_across_two_replicas(
    client: httpx.AsyncClient, settings: Settings, state: AppState, replica: AppState
) -> None:
    deadline = utcnow() + timedelta(seconds=60)
    poll = await open_poll(client, settings, stations=["POWER"],
                           closes_at=deadline.isoformat())  # fmt: skip
    other = await open_poll(client, settings, stations=["POWER"])  # no deadline: stays open
    power = station(settings, "POWER")
    assert (await answer(client, power, poll["id"], "go")).status_code == 200

    early = deadline - timedelta(seconds=1)
    assert await asyncio.gather(_sweep(state, early), _sweep(replica, early)) == [
        (0, []), (0, [])
    ]  # fmt: skip

    results = await asyncio.gather(_sweep(state, deadline), _sweep(replica, deadline))
    assert sorted(closed for closed, _ in results) == [0, 1]
    assert sorted(sent for _, sent in results) == [[], ["timeline", "poll"]]
    later = deadline + timedelta(minutes=5)
    assert [await _sweep(s, later) for s in (state, replica)] == [(0, []), (0, [])]

    out = (await client.get(f"{URL}/{poll['id']}", headers=power)).json()
    assert out["state"] == "closed"
    assert out["outcome"] == "go"
    assert out["closed_by"] is None
    assert (await client.get(f"{URL}/{other['id']}", headers=power)).json()["state"] == "open"
    closes = [e for e in await timeline(client, power, "poll") if "closed by" in e["title"]]
    assert len(closes) == 1
    assert "closed by its deadline" in closes[0]["title"]


async def test_answers_after_the_deadline_are_refused_before_the_job_runs(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chiron.polls import service

    deadline = utcnow() + timedelta(seconds=30)
    poll = await open_poll(client, settings, stations=["POWER"],
                           closes_at=deadline.isoformat())  # fmt: skip
    monkeypatch.setattr(service, "utcnow", lambda: deadline)
    late = await answer(client, station(settings, "POWER"), poll["id"], "go")
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "poll_closed"
