"""Series buckets against a brute-force computation over the raw samples."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiron.config import Settings
from chiron.db import Database
from chiron.kit.time import to_us, utcnow
from chiron.telemetry import service
from chiron.telemetry.reads import series
from chiron.telemetry.rollups import plan
from chiron.telemetry.schemas import SampleIn
from chiron.uow import UnitOfWork
from tests.fixtures.factories import ingest, sample


def brute_force(
    points: list[tuple[datetime, float]], start: datetime, end: datetime, count: int
) -> list[tuple[datetime, float, float, float, int]]:
    width, _, lo, hi = plan(start, end, count)
    width_us = round(width * 1_000_000)
    buckets: dict[int, list[float]] = {}
    for ts, value in points:
        if lo <= ts < hi:
            index = (to_us(ts) - to_us(lo)) // width_us
            buckets.setdefault(index, []).append(value)
    return [
        (lo + timedelta(seconds=i * width), min(v), max(v), sum(v) / len(v), len(v))
        for i, v in sorted(buckets.items())
    ]


async def test_spikes_survive_downsampling(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    start = utcnow() - timedelta(hours=1)
    samples = [sample(10.0, ts=start + timedelta(seconds=i)) for i in range(0, 3000, 3)]
    samples[500]["value"] = 250.0
    await ingest(client, auth_headers, samples)
    response = await client.get(
        "/api/v1/dashboard/series",
        params={
            "source": "rover-1",
            "metric": "battery.voltage",
            "from": start.isoformat(),
            "to": utcnow().isoformat(),
            "points": 20,
        },
        headers=auth_headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert len(body["points"]) <= 20
    assert max(p["max"] for p in body["points"]) == 250.0
    assert sum(p["count"] for p in body["points"]) == 1000
    assert body["bucket_seconds"] >= 180


async def test_rollups_merge_across_batches(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    # Three batches land in the same rollup buckets; a week-long query reads rollups.
    ts = utcnow() - timedelta(minutes=30)
    for value in (5.0, 1.0, 9.0):
        await ingest(client, auth_headers, [sample(value, ts=ts)])
    response = await client.get(
        "/api/v1/dashboard/series",
        params={
            "source": "rover-1",
            "metric": "battery.voltage",
            "from": (utcnow() - timedelta(days=7)).isoformat(),
            "points": 50,
        },
        headers=auth_headers,
    )
    (point,) = response.json()["points"]
    assert response.json()["bucket_seconds"] >= 3600
    assert (point["min"], point["max"], point["mean"], point["count"]) == (1.0, 9.0, 5.0, 3)


_now = datetime(2026, 11, 1, tzinfo=UTC)
offsets = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=86400 * 3, allow_nan=False),
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    ),
    min_size=1,
    max_size=300,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=offsets,
    count=st.integers(min_value=1, max_value=400),
    window=st.tuples(
        st.floats(min_value=0, max_value=86400 * 3), st.floats(min_value=1, max_value=86400 * 3)
    ),
)
async def test_buckets_match_brute_force(
    db: Database,
    settings_obj: Settings,
    data: list[tuple[float, float]],
    count: int,
    window: tuple[float, float],
) -> None:
    from sqlalchemy import delete

    from chiron.models import MetricLatest, SampleRollup, TelemetrySample

    source = "prop"
    async with UnitOfWork(db, None) as uow:
        session = await uow.begin()
        for model in (TelemetrySample, MetricLatest, SampleRollup):
            await session.execute(delete(model).where(model.source == source))
        base = _now - timedelta(days=4)
        points = [(base + timedelta(seconds=o), v) for o, v in data]
        batch = [SampleIn(source=source, metric="x", value=v, ts=ts) for ts, v in points]
        await service.ingest(uow, batch, settings_obj, now=_now)
    start = base + timedelta(seconds=window[0])
    end = start + timedelta(seconds=window[1])
    async with db.sessionmaker() as session:
        result = await series(db, session, source, "x", start, end, count)
    expected = brute_force(points, start, end, count)
    assert len(result.points) <= count
    assert [(p["ts"], p["count"]) for p in result.points] == [(e[0], e[4]) for e in expected]
    for got, want in zip(result.points, expected, strict=True):
        assert got["min"] == want[1]
        assert got["max"] == want[2]
        assert math.isclose(got["mean"], want[3], rel_tol=1e-9, abs_tol=1e-6)


async def test_aggregates_of_values_at_the_bound_stay_finite(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """Values up to ±1e300 are accepted, and a bucket full of them still has a finite mean
    on both stores (at 1.7e308, past the bound, the sum overflowed: a 500 on PostgreSQL,
    a null mean on SQLite). Issue 17."""
    from chiron.kit.schema import VALUE_BOUND

    now = utcnow()
    for sign in (1, -1):
        metric = "big.up" if sign > 0 else "big.down"
        values = [sign * VALUE_BOUND] * 5000
        samples = [sample(v, metric=metric, ts=now - timedelta(seconds=1)) for v in values]
        for _ in range(2):
            assert (await ingest(client, auth_headers, samples)).status_code == 202
        response = await client.get(
            "/api/v1/dashboard/series",
            params={"source": "rover-1", "metric": metric, "points": 1},
            headers=auth_headers,
        )
        assert response.status_code == 200
        (point,) = response.json()["points"]
        assert point["count"] == 10_000
        assert math.isfinite(point["mean"]), point
        assert math.isclose(point["mean"], sign * VALUE_BOUND)
    summary = (await client.get("/api/v1/dashboard/summary", headers=auth_headers)).json()
    for metric in summary["metrics"]:
        assert all(math.isfinite(p["value"]) for p in metric["sparkline"]), metric
    refused = await ingest(client, auth_headers, [sample(1.7e308), sample(1.7e308)])
    assert refused.status_code == 422
