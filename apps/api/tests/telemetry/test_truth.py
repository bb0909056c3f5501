"""The server decides what the dashboard shows: no data is never GO, every metric's
staleness reaches the stream, readings carry their severity, and a batch's order holds."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson

from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.state import AppState
from chiron.telemetry.staleness import sweep
from chiron.uow import UnitOfWork
from tests.fixtures.factories import ingest, put_gate, sample

SUMMARY = "/api/v1/dashboard/summary"


async def _summary(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(SUMMARY, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def _swept(db: Database, state: AppState, now: datetime) -> list[dict[str, Any]]:
    async with UnitOfWork(db, state.bus) as uow:
        await sweep(uow, now)
    return [orjson.loads(m.encode()) for m in uow.sent]


async def _stream(state: AppState, event: str) -> list[dict[str, Any]]:
    return [
        orjson.loads(m.data) for m in await state.bus.range_after("0-0", 10_000) if m.event == event
    ]


async def test_a_gate_whose_input_never_reported_is_no_data_not_go(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, state: AppState
) -> None:
    await put_gate(
        client, auth_headers, slug="ghost", title="Ghost", source="never", metric="core.temp"
    )
    await put_gate(client, auth_headers, slug="thermal")
    await ingest(client, auth_headers, [sample(20.0, source="core", metric="core.temp")])

    summary = await _summary(client, auth_headers)
    gates = {g["slug"]: g for g in summary["gates"]}
    assert gates["ghost"]["no_data"] is True
    assert gates["ghost"]["stale"] is True
    assert gates["thermal"]["no_data"] is False
    assert gates["thermal"]["stale"] is False
    assert summary["counts"]["gates"] == {"go": 1, "hold": 0, "no-go": 0, "stale": 0, "no_data": 1}

    # The sweep covers it: once past its stale_after it is marked, with a NO DATA event, once.
    later = utcnow() + timedelta(minutes=2)

    def ghost_events(messages: list[dict[str, Any]]) -> list[str]:
        return [
            m["event"]["title"]
            for m in messages
            if m["type"] == "timeline" and m["event"]["gate_slug"] == "ghost"
        ]

    assert ghost_events(await _swept(db, state, later)) == ["Ghost: NO DATA"]
    assert ghost_events(await _swept(db, state, later)) == []


async def test_a_stale_gate_is_not_counted_as_go(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, state: AppState
) -> None:
    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, [sample(20.0, source="core", metric="core.temp")])
    await _swept(db, state, utcnow() + timedelta(minutes=5))
    counts = (await _summary(client, auth_headers))["counts"]["gates"]
    assert counts == {"go": 0, "hold": 0, "no-go": 0, "stale": 1, "no_data": 0}


async def test_every_metric_goes_stale_and_fresh_on_the_stream(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, state: AppState
) -> None:
    # No gate watches this series: its staleness must still reach an open page.
    await ingest(client, auth_headers, [sample(1.0, source="probe", metric="cpu.load")])
    swept = await _swept(db, state, utcnow() + timedelta(minutes=5))
    [stale] = [m["metric"] for m in swept if m["type"] == "metric"]
    assert stale["source"] == "probe"
    assert stale["metric"] == "cpu.load"
    assert stale["stale"] is True
    assert stale["stale_after_s"] == 30.0

    await ingest(client, auth_headers, [sample(2.0, source="probe", metric="cpu.load")])
    fresh = (await _stream(state, "metric"))[-1]["metric"]
    assert fresh["stale"] is False
    assert (fresh["source"], fresh["metric"]) == ("probe", "cpu.load")
    summary = await _summary(client, auth_headers)
    assert [m["stale"] for m in summary["metrics"]] == [False]


async def test_readings_carry_the_servers_severity_on_the_stream_and_in_the_summary(
    client: httpx.AsyncClient, auth_headers: dict[str, str], state: AppState
) -> None:
    # A value exactly at a line is beyond it, in the summary and on the stream alike.
    await put_gate(client, auth_headers, warn=70.0, critical=90.0)
    values = [69.9, 70.0, 95.0]
    await ingest(
        client,
        auth_headers,
        [
            sample(v, source="core", metric="core.temp", ts=utcnow() - timedelta(seconds=3 - i))
            for i, v in enumerate(values)
        ],
    )
    await ingest(client, auth_headers, [sample(1.0, source="probe", metric="cpu.load")])
    streamed = [s for m in await _stream(state, "samples") for s in m["samples"]]
    assert [(s["value"], s["severity"]) for s in streamed] == [
        (69.9, "ok"),
        (70.0, "warn"),
        (95.0, "critical"),
        (1.0, "ok"),  # no gate watches it
    ]
    await ingest(client, auth_headers, [sample(70.0, source="core", metric="core.temp")])
    metrics = {m["source"]: m for m in (await _summary(client, auth_headers))["metrics"]}
    assert metrics["core"]["severity"] == "warn"
    assert (await _stream(state, "samples"))[-1]["samples"][0]["severity"] == "warn"


async def test_samples_without_times_keep_their_order_in_a_batch(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    await put_gate(client, auth_headers)
    for values in ([60.0, 61.0, 62.0], [72.0, 71.0, 70.0]):
        await ingest(
            client, auth_headers, [sample(v, source="core", metric="core.temp") for v in values]
        )
        summary = await _summary(client, auth_headers)
        assert summary["metrics"][0]["value"] == values[-1]
        assert summary["gates"][0]["value"] == values[-1]


async def test_sparklines_carry_the_min_max_envelope(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    start = utcnow().replace(microsecond=0) - timedelta(seconds=40)
    start -= timedelta(seconds=start.second % 10)
    values = [50.0, 51.0, 999.0, 49.0]  # one spike in one 10 s bucket
    await ingest(
        client,
        auth_headers,
        [sample(v, metric="cpu", ts=start + timedelta(seconds=i)) for i, v in enumerate(values)],
    )
    [point] = (await _summary(client, auth_headers))["metrics"][0]["sparkline"]
    assert point["max"] == 999.0
    assert point["min"] == 49.0
    assert point["value"] == sum(values) / len(values)
