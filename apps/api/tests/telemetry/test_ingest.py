from __future__ import annotations

from datetime import timedelta, timezone

import httpx

from chiron.db import Database
from chiron.kit.time import utcnow
from tests.fixtures.factories import ingest, sample, series, store_counts


async def test_batch_is_stored_and_answered_202(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    samples = [
        sample(27.5, unit="V", attrs={"fw": "4.12", "lane": 2}),
        sample(3.0, metric="velocity"),
    ]
    response = await ingest(client, auth_headers, samples)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["accepted"] == 2
    assert body["duplicates"] == 0
    assert body["gate_transitions"] == []
    assert body["last_event_id"]
    counts = await store_counts(db)
    assert counts["telemetry_samples"] == 2
    assert counts["metric_latest"] == 2


async def test_summary_values_equal_what_was_ingested(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    start = utcnow() - timedelta(seconds=30)
    await ingest(client, auth_headers, series([1.0, 2.0, 3.5], start=start, unit="V"))
    summary = (await client.get("/api/v1/dashboard/summary", headers=auth_headers)).json()
    (metric,) = summary["metrics"]
    assert metric["source"] == "rover-1"
    assert metric["value"] == 3.5
    assert metric["unit"] == "V"
    assert metric["severity"] == "ok"
    assert metric["stale"] is False
    assert [p["value"] for p in metric["sparkline"]][-1] >= 1.0
    assert summary["counts"]["samples_total"] == 3
    assert summary["counts"]["sources"] == 1
    assert summary["counts"]["metrics"] == 1
    assert summary["last_event_id"]


async def test_late_samples_are_stored_but_do_not_regress_the_latest_value(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    now = utcnow()
    await ingest(client, auth_headers, [sample(10.0, ts=now - timedelta(seconds=1))])
    await ingest(client, auth_headers, [sample(99.0, ts=now - timedelta(minutes=5))])
    summary = (await client.get("/api/v1/dashboard/summary", headers=auth_headers)).json()
    assert summary["metrics"][0]["value"] == 10.0
    assert summary["counts"]["samples_total"] == 2
    assert (await store_counts(db))["telemetry_samples"] == 2


async def test_samples_without_ts_take_the_receive_time(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    before = utcnow()
    await ingest(client, auth_headers, [sample(1.0)])
    summary = (await client.get("/api/v1/dashboard/summary", headers=auth_headers)).json()
    from datetime import datetime

    ts = datetime.fromisoformat(summary["metrics"][0]["ts"])
    assert before - timedelta(seconds=1) <= ts <= utcnow() + timedelta(seconds=1)


async def test_five_thousand_samples_in_one_batch(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    start = utcnow() - timedelta(hours=2)
    samples = [
        sample(
            float(i % 97),
            source=f"dev-{i % 7}",
            metric=f"m.v{i % 11}",
            ts=start + timedelta(seconds=i),
        )
        for i in range(5000)
    ]
    response = await ingest(client, auth_headers, samples)
    assert response.status_code == 202
    assert response.json()["accepted"] == 5000
    assert (await store_counts(db))["telemetry_samples"] == 5000


async def test_timeline_note_via_api(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/timeline",
        json={"kind": "deploy", "title": "Deployed 4.13", "body": "rover-1"},
        headers=auth_headers,
    )
    assert response.status_code == 201
    page = (await client.get("/api/v1/dashboard/timeline", headers=auth_headers)).json()
    assert page["items"][0]["title"] == "Deployed 4.13"
    assert page["items"][0]["kind"] == "deploy"


async def test_stored_rows_are_what_was_sent_in_utc(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    from sqlalchemy import select

    from chiron.models import TelemetrySample

    now = utcnow().replace(microsecond=123456)
    plus_two = timezone(timedelta(hours=2))
    samples = [
        sample(27.5, unit="V", attrs={"fw": "4.12", "lane": 2, "ok": True}, ts=now),
        sample(3, metric="velocity", ts=now.astimezone(plus_two) - timedelta(seconds=1)),
        {
            "source": "rover-1",
            "metric": "naive.ts",
            "value": -1.25,
            "ts": (now - timedelta(seconds=2)).replace(tzinfo=None).isoformat(),
        },
    ]
    assert (await ingest(client, auth_headers, samples)).status_code == 202
    async with db.sessionmaker() as session:
        rows = (await session.scalars(select(TelemetrySample).order_by(TelemetrySample.id))).all()
    assert [(r.source, r.metric, r.value, r.unit, r.ts, r.attrs) for r in rows] == [
        ("rover-1", "battery.voltage", 27.5, "V", now, {"fw": "4.12", "lane": 2, "ok": True}),
        ("rover-1", "velocity", 3.0, None, now - timedelta(seconds=1), None),
        ("rover-1", "naive.ts", -1.25, None, now - timedelta(seconds=2), None),
    ]
    assert all(r.ts.utcoffset() == timedelta(0) for r in rows)
    assert len({r.received_at for r in rows}) == 1


async def test_extreme_values_and_awkward_text_are_stored_exactly(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    """PostgreSQL takes the batch as one JSON parameter: floats must round-trip bit for bit
    and text with quotes, backslashes and non-ASCII must arrive unchanged."""
    from sqlalchemy import select

    from chiron.models import TelemetrySample

    # The largest accepted magnitude is VALUE_BOUND (1e300): docs/reliability.md.
    values = [0.1 + 0.2, 1e-300, 1e300, -0.0, 5e-324, -123456.789012345678, -1e300]
    attrs = {
        "note": 'quote " backslash \\ tab \t',
        "name": "Zürich ✓ 🚀",
        "n": 2,
        "x": 0.1,
        "ok": True,
    }
    samples = [
        sample(v, metric=f"m{i}", unit="µs" if i == 0 else None, attrs=attrs if i == 0 else None)
        for i, v in enumerate(values)
    ]
    response = await ingest(client, auth_headers, samples)
    assert response.status_code == 202, response.text
    async with db.sessionmaker() as session:
        rows = (await session.scalars(select(TelemetrySample).order_by(TelemetrySample.id))).all()
    assert [r.value for r in rows] == values
    assert rows[0].unit == "µs"
    assert rows[0].attrs == attrs
