"""Every query of samples, latest values and rollups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import and_, case, func, literal, select, tuple_

from chiron.kit.repository import Repository
from chiron.kit.time import as_utc, to_us
from chiron.models import MetricLatest, SampleRollup, TelemetrySample

SeriesKey = tuple[str, str]

_SAMPLE_COLUMNS = ("source", "metric", "value", "unit", "ts", "received_at", "attrs")
_SQLITE_INSERT = (
    "INSERT INTO telemetry_samples (source, metric, value, unit, ts, received_at, attrs) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(slots=True)
class SampleRow:
    source: str
    metric: str
    value: float
    unit: str | None
    ts: datetime
    received_at: datetime
    attrs: dict[str, Any] | None


@dataclass(slots=True)
class RollupRow:
    source: str
    metric: str
    resolution_s: int
    bucket_start: datetime
    min: float
    max: float
    sum: float
    count: int


@dataclass(slots=True)
class Bucket:
    index: int
    min: float
    max: float
    sum: float
    count: int


def _sqlite_ts(value: datetime) -> str:
    # The text form SQLAlchemy's SQLite DateTime writes and reads back.
    return as_utc(value).strftime("%Y-%m-%d %H:%M:%S.%f")


class TelemetryRepository(Repository):
    async def insert_samples(self, rows: Sequence[SampleRow]) -> None:
        """The store's bulk path: COPY on PostgreSQL, executemany on SQLite, same transaction."""
        connection = await self.session.connection()
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        if self.is_postgres:
            records = [
                (
                    r.source,
                    r.metric,
                    r.value,
                    r.unit,
                    r.ts,
                    r.received_at,
                    None if r.attrs is None else orjson.dumps(r.attrs).decode(),
                )
                for r in rows
            ]
            await driver.copy_records_to_table(
                TelemetrySample.__tablename__, records=records, columns=_SAMPLE_COLUMNS
            )
            return
        # Table and column names are constants; values are bound.
        sql = _SQLITE_INSERT
        params = [
            (
                r.source,
                r.metric,
                r.value,
                r.unit,
                _sqlite_ts(r.ts),
                _sqlite_ts(r.received_at),
                None if r.attrs is None else orjson.dumps(r.attrs).decode(),
            )
            for r in rows
        ]
        await driver.executemany(sql, params)

    async def latest_for(
        self, keys: Iterable[SeriesKey], *, lock: bool = False
    ) -> dict[SeriesKey, MetricLatest]:
        keys = sorted(set(keys))
        if not keys:
            return {}
        statement = (
            select(MetricLatest)
            .where(tuple_(MetricLatest.source, MetricLatest.metric).in_(keys))
            .order_by(MetricLatest.source, MetricLatest.metric)
        )
        if lock and self.is_postgres:
            statement = statement.with_for_update()
        result = await self.session.scalars(statement)
        return {(row.source, row.metric): row for row in result}

    async def upsert_latest(self, rows: list[dict[str, Any]]) -> None:
        """Insert new series; for known ones move forward only (late samples never regress)."""
        if not rows:
            return
        table = MetricLatest.__table__
        stmt = self.insert(table)
        ex = stmt.excluded
        newer = ex.ts >= table.c.ts
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.source, table.c.metric],
            set_={
                "value": case((newer, ex.value), else_=table.c.value),
                "unit": case((newer, ex.unit), else_=table.c.unit),
                "ts": case((newer, ex.ts), else_=table.c.ts),
                "last_seen_at": self.greatest(table.c.last_seen_at, ex.last_seen_at),
                "cadence_s": ex.cadence_s,
                "sample_count": table.c.sample_count + ex.sample_count,
                "stale": literal(False),
            },
        )
        # executemany: SQLAlchemy pages the rows under each driver's parameter limit.
        await self.session.execute(stmt, sorted(rows, key=lambda r: (r["source"], r["metric"])))

    async def upsert_rollups(self, rows: list[RollupRow]) -> None:
        if not rows:
            return
        table = SampleRollup.__table__
        values = [
            {
                "source": r.source,
                "metric": r.metric,
                "resolution_s": r.resolution_s,
                "bucket_start": r.bucket_start,
                "min": r.min,
                "max": r.max,
                "sum": r.sum,
                "count": r.count,
            }
            for r in sorted(
                rows, key=lambda r: (r.source, r.metric, r.resolution_s, r.bucket_start)
            )
        ]
        stmt = self.insert(table)
        ex = stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=[
                table.c.source,
                table.c.metric,
                table.c.resolution_s,
                table.c.bucket_start,
            ],
            set_={
                "min": self.least(table.c.min, ex.min),
                "max": self.greatest(table.c.max, ex.max),
                "sum": table.c.sum + ex.sum,
                "count": table.c.count + ex.count,
            },
        )
        await self.session.execute(stmt, values)

    async def all_latest(self) -> Sequence[MetricLatest]:
        result = await self.session.scalars(
            select(MetricLatest).order_by(MetricLatest.source, MetricLatest.metric)
        )
        return result.all()

    async def recent_means(
        self, resolution_s: int, since: datetime
    ) -> Sequence[tuple[str, str, datetime, float]]:
        """(source, metric, bucket start, mean) of every series' buckets since `since`.

        Plain rows, not ORM objects: the summary reads thousands of them per call.
        """
        r = SampleRollup
        result = await self.session.execute(
            select(r.source, r.metric, r.bucket_start, r.sum / r.count)
            .where(r.resolution_s == resolution_s, r.bucket_start >= since)
            .order_by(r.source, r.metric, r.bucket_start)
        )
        return result.all()

    async def totals(self) -> tuple[int, int, int]:
        """(samples ever stored, sources, series), from the latest-value table."""
        row = (
            await self.session.execute(
                select(
                    func.coalesce(func.sum(MetricLatest.sample_count), 0),
                    func.count(func.distinct(MetricLatest.source)),
                    func.count(),
                )
            )
        ).one()
        return int(row[0]), int(row[1]), int(row[2])

    async def bucketed(
        self,
        key: SeriesKey,
        start: datetime,
        end: datetime,
        width_s: float,
        resolution_s: int | None,
    ) -> list[Bucket]:
        """Aggregate into buckets of `width_s` from `start` (raw samples or a rollup)."""
        source, metric = key
        origin_us = to_us(start)
        width_us = round(width_s * 1_000_000)
        if resolution_s is None:
            t = TelemetrySample
            time_col: Any = t.ts
            aggregates: tuple[Any, ...] = (
                func.min(t.value),
                func.max(t.value),
                func.sum(t.value),
                func.count(),
            )
            where = and_(t.source == source, t.metric == metric, t.ts >= start, t.ts < end)
        else:
            r = SampleRollup
            time_col = r.bucket_start
            aggregates = (
                func.min(r.min),
                func.max(r.max),
                func.sum(r.sum),
                func.sum(r.count),
            )
            where = and_(
                r.source == source,
                r.metric == metric,
                r.resolution_s == resolution_s,
                r.bucket_start >= start,
                r.bucket_start < end,
            )
        # Add a tiny epsilon so float error never drops a value into the previous bucket.
        index = func.floor((self.epoch_us(time_col) - origin_us) / width_us)
        statement = (
            select(index.label("i"), *aggregates).where(where).group_by(index).order_by(index)
        )
        rows = (await self.session.execute(statement)).all()
        return [Bucket(int(i), float(a), float(b), float(s), int(c)) for i, a, b, s, c in rows]
