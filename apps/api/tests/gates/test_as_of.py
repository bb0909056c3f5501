"""Looking back: `GET /api/v1/gates?at=` shows each gate as it stood then."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.state import AppState
from chiron.telemetry.staleness import sweep
from chiron.uow import UnitOfWork
from tests.fixtures.factories import ingest, put_gate, sample

T0 = utcnow().replace(microsecond=0) - timedelta(minutes=30)


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


async def _gate_at(
    client: httpx.AsyncClient, headers: dict[str, str], at: datetime
) -> dict[str, object]:
    response = await client.get("/api/v1/gates", params={"at": at.isoformat()}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert datetime.fromisoformat(body["at"]) == at
    (gate,) = body["items"]
    return gate  # type: ignore[no-any-return]


async def test_a_gate_as_of_a_time_has_the_status_its_history_gives(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    await put_gate(client, auth_headers, warn=80.0, critical=90.0, hysteresis=0.0)
    readings = [(1, 50.0), (5, 85.0), (10, 95.0), (15, 60.0)]  # go, hold, no-go, go
    samples = [sample(v, source="core", metric="core.temp", ts=_at(m)) for m, v in readings]
    assert (await ingest(client, auth_headers, samples)).status_code == 202

    expected = [
        (0.5, "go", None),
        (4.9, "go", None),
        (5.0, "hold", 85.0),
        (7, "hold", 85.0),
        (12, "no-go", 95.0),
        (20, "go", 60.0),
    ]
    for minutes, status, value in expected:
        gate = await _gate_at(client, auth_headers, _at(minutes))
        assert (gate["status"], gate["value"]) == (status, value), minutes
        assert gate["stale"] is False
    assert (await _gate_at(client, auth_headers, _at(12)))["since"].startswith(  # type: ignore[union-attr]
        _at(10).isoformat()[:19]
    )
    assert (await _gate_at(client, auth_headers, _at(12)))["threshold"] == 90.0
    # Now (no `at`) is today's row, and the list says no `at`.
    now = (await client.get("/api/v1/gates", headers=auth_headers)).json()
    assert now["at"] is None
    assert now["items"][0]["status"] == "go"


async def test_a_gate_that_had_gone_quiet_is_stale_as_of_then(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, state: AppState
) -> None:
    await put_gate(client, auth_headers)
    assert (
        await ingest(client, auth_headers, [sample(70, source="core", metric="core.temp")])
    ).status_code == 202
    quiet_at = utcnow() + timedelta(minutes=3)
    async with UnitOfWork(db, state.bus) as uow:
        await sweep(uow, quiet_at)
    before = await _gate_at(client, auth_headers, quiet_at - timedelta(seconds=1))
    after = await _gate_at(client, auth_headers, quiet_at + timedelta(seconds=1))
    assert (before["stale"], after["stale"]) == (False, True)
    assert after["no_data"] is False
    assert after["status"] == "go"
