"""Read models: the dashboard summary and downsampled series, from latest values and rollups."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from chiron.db import Database
from chiron.errors import InvalidInput
from chiron.gates import service as gates
from chiron.gates.alarms import counts as alarm_counts
from chiron.gates.repository import GateRepository
from chiron.gates.rules import metric_severity
from chiron.kit.time import as_utc
from chiron.telemetry import clock
from chiron.telemetry.repository import SeriesKey
from chiron.telemetry.rollups import plan
from chiron.telemetry.schemas import (
    Counts,
    MetricSummary,
    Series,
    Summary,
)
from chiron.telemetry.stores import sample_store
from chiron.timeline.repository import TimelineRepository
from chiron.vocabulary import GateStanding

SPARK_RESOLUTION_S = 10
SPARK_POINTS = 60
MAX_SERIES_RANGE = timedelta(days=366 * 5)


async def _sparklines(db: Database, since: datetime) -> dict[SeriesKey, list[dict[str, Any]]]:
    async with db.readers() as session:
        return await sample_store(db).rollups(session, SPARK_RESOLUTION_S, since)


async def summary(
    db: Database, now: datetime, last_event_id: str | None, skew_warn_s: float = 5.0
) -> Summary:
    """Everything the dashboard's first paint needs, without touching raw samples.

    The sparklines are the slowest read and depend on nothing else, so they are read on a
    connection of their own while the latest values, gates and event count are read on
    another. Each statement sees the latest committed data, as a read session does."""
    since = now - timedelta(seconds=SPARK_RESOLUTION_S * SPARK_POINTS)
    sparklines = asyncio.ensure_future(_sparklines(db, since))
    try:
        async with db.readers() as session:
            latest = await sample_store(db).latest(session)
            gate_rows = await GateRepository(session).all()
            events_24h = await TimelineRepository(session).count_since(now - timedelta(hours=24))
    except BaseException:
        sparklines.cancel()
        with contextlib.suppress(BaseException):  # its outcome no longer matters
            await sparklines
        raise
    spark = await sparklines
    by_series = {(m.source, m.metric): m for m in latest}

    gate_models = [gates.to_schema(g, by_series.get((g.source, g.metric)), now) for g in gate_rows]
    rules_by_series = gates.series_rules(gate_rows)

    metrics = []
    for m in latest:
        key = (m.source, m.metric)
        rules, gate = rules_by_series.get(key, (None, None))
        stale_after = gates.effective_stale_after(gate, m.cadence_s)
        last_seen = as_utc(m.last_seen_at)
        points = spark.get(key) or [{"ts": m.ts, "value": m.value, "min": m.value, "max": m.value}]
        metrics.append(
            MetricSummary(
                source=m.source,
                metric=m.metric,
                unit=m.unit,
                value=m.value,
                ts=m.ts,
                severity=metric_severity(rules, m.value),
                stale=(now - last_seen).total_seconds() > stale_after,
                last_seen_at=last_seen,
                stale_after_s=stale_after,
                warn=rules.warn if rules else None,
                critical=rules.critical if rules else None,
                direction=rules.direction if rules else None,
                sparkline=points[-SPARK_POINTS:],
            )
        )

    standing: dict[GateStanding, int] = {"go": 0, "hold": 0, "no-go": 0, "stale": 0, "no_data": 0}
    for model in gate_models:
        standing[gates.standing(model)] += 1
    counts = Counts(
        # The latest-value table has a row per series and counts what each ever stored.
        samples_total=sum(m.sample_count for m in latest),
        sources=len({m.source for m in latest}),
        metrics=len(latest),
        events_24h=events_24h,
        gates=standing,
        alarms=alarm_counts(gate_rows),
    )
    return Summary(
        generated_at=now,
        last_event_id=last_event_id,
        gates=gate_models,
        metrics=metrics,
        counts=counts,
        sources=clock.sources(latest, skew_warn_s),
    )


async def series(
    db: Database,
    session: AsyncSession,
    source: str,
    metric: str,
    start: datetime,
    end: datetime,
    points: int,
) -> Series:
    if end <= start:
        raise InvalidInput(
            "`to` must be after `from`",
            code="invalid_range",
            details={"from": start.isoformat(), "to": end.isoformat()},
        )
    if end - start > MAX_SERIES_RANGE:
        raise InvalidInput("The range is longer than 5 years", code="invalid_range")
    try:
        width, resolution, lo, hi = plan(start, end, points)
    except (ValueError, OverflowError):  # bucket edges past year 9999 or before year 1
        raise InvalidInput(
            "The range reaches the ends of the calendar", code="invalid_range"
        ) from None
    store = sample_store(db)
    buckets = await store.series(session, (source, metric), lo, hi, width, resolution)
    latest = await store.latest_of(session, (source, metric))
    unit = latest.unit if latest else None
    return Series(
        source=source,
        metric=metric,
        unit=unit,
        bucket_seconds=width,
        points=[
            {
                "ts": lo + timedelta(seconds=b.index * width),
                "min": b.min,
                "max": b.max,
                "mean": b.sum / b.count,
                "count": b.count,
            }
            for b in buckets
            if b.count
        ],
    )
