"""Every query of samples, latest values and rollups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from typing import Any

import orjson
from sqlalchemy import and_, bindparam, func, select, update

from chiron.kit.repository import Repository
from chiron.kit.time import from_store, sqlite_text, to_us
from chiron.models import MetricLatest, SampleRollup, TelemetrySample

SeriesKey = tuple[str, str]

_SAMPLE_COLUMNS = ("source", "metric", "value", "unit", "ts", "received_at", "attrs")
_SQLITE_INSERT = (
    "INSERT INTO telemetry_samples (source, metric, value, unit, ts, received_at, attrs) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
# The store aggregates a batch into every resolution's buckets in one statement: on
# PostgreSQL from the batch itself (one JSON parameter), on SQLite from the rows just
# inserted (their ids).
# Buckets are exact: date_bin is integer arithmetic, and SQLite's whole seconds come from
# the stored text, not from julianday()'s double.
_PG_INSERT = """
WITH s AS (
    SELECT * FROM json_to_recordset($1::json)
        AS s(source text, metric text, value float8, unit text, ts timestamptz, attrs jsonb)
), stored AS (
    INSERT INTO telemetry_samples (source, metric, value, unit, ts, received_at, attrs)
    SELECT source, metric, value, unit, ts, $2, attrs FROM s
)
INSERT INTO sample_rollups AS r (source, metric, resolution_s, bucket_start, min, max, sum, count)
SELECT s.source, s.metric, res.s,
       date_bin(make_interval(secs => res.s), s.ts, timestamptz '1970-01-01 00:00:00+00'),
       min(s.value), max(s.value), sum(s.value), count(*)
FROM s CROSS JOIN unnest($3::int[]) AS res(s)
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4
ON CONFLICT (source, metric, resolution_s, bucket_start) DO UPDATE SET
    min = least(r.min, excluded.min),
    max = greatest(r.max, excluded.max),
    sum = r.sum + excluded.sum,
    count = r.count + excluded.count
"""
# The ingest path's latest-value statements, raw on both stores: through SQLAlchemy the
# 40-odd rows of a batch cost ~1.5 ms of Python each way on PostgreSQL (ORM objects on the
# way out; a tuple IN list and insertmanyvalues on the way in), inside the window where the
# batch holds its rows locked, and on SQLite seven calls into its thread instead of two,
# each waiting for a turn of the busy event loop while the writer lock is held.
# Each answers, per series of the batch, its latest row if it has one and whether a gate
# watches it: the gates are read (and locked) only for the series that have one.
_PG_LOCK_LATEST = """
WITH k AS (
    SELECT * FROM json_to_recordset($1::json) AS k(source text, metric text)
), locked AS MATERIALIZED (
    SELECT m.source, m.metric, m.ts, m.last_seen_at, m.cadence_s, m.stale
    FROM metric_latest m JOIN k USING (source, metric)
    ORDER BY m.source, m.metric
    FOR UPDATE OF m
)
SELECT k.source, k.metric, l.ts, l.last_seen_at, l.cadence_s, l.stale,
       EXISTS (SELECT FROM hero_gates g WHERE g.source = k.source AND g.metric = k.metric)
FROM k LEFT JOIN locked l USING (source, metric)
"""
_SQLITE_LOCK_LATEST = """
SELECT k.value ->> 0, k.value ->> 1, m.ts, m.last_seen_at, m.cadence_s, m.stale,
       EXISTS (
           SELECT 1 FROM hero_gates g WHERE g.source = k.value ->> 0 AND g.metric = k.value ->> 1
       )
FROM json_each(?) AS k
LEFT JOIN metric_latest m ON m.source = k.value ->> 0 AND m.metric = k.value ->> 1
"""
_UPSERT_LATEST_SET = """
ON CONFLICT (source, metric) DO UPDATE SET
    value = CASE WHEN excluded.ts >= m.ts THEN excluded.value ELSE m.value END,
    unit = CASE WHEN excluded.ts >= m.ts THEN excluded.unit ELSE m.unit END,
    ts = CASE WHEN excluded.ts >= m.ts THEN excluded.ts ELSE m.ts END,
    last_seen_at = {greatest}(m.last_seen_at, excluded.last_seen_at),
    cadence_s = excluded.cadence_s,
    sample_count = m.sample_count + excluded.sample_count,
    stale = {false}
"""
_PG_UPSERT_LATEST = """
INSERT INTO metric_latest AS m
    (source, metric, value, unit, ts, last_seen_at, cadence_s, sample_count, stale)
SELECT source, metric, value, unit, ts, last_seen_at, cadence_s, sample_count, false
FROM json_to_recordset($1::json) AS r(
    source text, metric text, value float8, unit text, ts timestamptz,
    last_seen_at timestamptz, cadence_s float8, sample_count int
)
ORDER BY source, metric
""" + _UPSERT_LATEST_SET.format(greatest="greatest", false="false")
# executemany, not a JSON parameter: SQLite's JSON reader does not promise to read every
# float back exactly.
_SQLITE_UPSERT_LATEST = """
INSERT INTO metric_latest AS m
    (source, metric, value, unit, ts, last_seen_at, cadence_s, sample_count, stale)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)
""" + _UPSERT_LATEST_SET.format(greatest="max", false="0")
# MATERIALIZED: flattened, SQLite's planner scans the whole series index for the GROUP BY
# instead of the batch's id range.
_SQLITE_ROLLUPS = """
WITH s AS MATERIALIZED (
    SELECT source, metric, value, CAST(strftime('%s', substr(ts, 1, 19)) AS INTEGER) AS sec
    FROM telemetry_samples WHERE id BETWEEN last_insert_rowid() - ? + 1 AND last_insert_rowid()
)
INSERT INTO sample_rollups AS r (source, metric, resolution_s, bucket_start, min, max, sum, count)
SELECT source, metric, res, strftime('%Y-%m-%d %H:%M:%S', bucket, 'unixepoch') || '.000000',
       lo, hi, total, n
FROM (
    SELECT s.source, s.metric, res.value AS res, s.sec / res.value * res.value AS bucket,
           min(s.value) AS lo, max(s.value) AS hi, sum(s.value) AS total, count(*) AS n
    FROM s CROSS JOIN json_each(?) AS res
    GROUP BY 1, 2, 3, 4
)
WHERE true
ORDER BY 1, 2, 3, 4
ON CONFLICT (source, metric, resolution_s, bucket_start) DO UPDATE SET
    min = min(r.min, excluded.min),
    max = max(r.max, excluded.max),
    sum = r.sum + excluded.sum,
    count = r.count + excluded.count
"""


@dataclass(slots=True)
class SampleColumns:
    """A validated batch column by column (UTC times): what the bulk paths take."""

    source: list[str]
    metric: list[str]
    value: list[float]
    unit: list[str | None]
    ts: list[datetime]
    attrs: list[dict[str, Any] | None]
    received_at: datetime

    def __len__(self) -> int:
        return len(self.source)

    def attrs_json(self) -> list[str | None]:
        return [None if a is None else orjson.dumps(a).decode() for a in self.attrs]

    def rows_json(self) -> str:
        """The batch as one JSON array of rows (times as UTC `Z` text, floats in their
        shortest exact form): one parameter for PostgreSQL's json_to_recordset, which costs
        the API a third of the CPU of six arrays encoded element by element."""
        rows = [
            {"source": s, "metric": m, "value": v, "unit": u, "ts": t, "attrs": a}
            for s, m, v, u, t, a in zip(
                self.source, self.metric, self.value, self.unit, self.ts, self.attrs, strict=True
            )
        ]
        return orjson.dumps(rows, option=orjson.OPT_UTC_Z).decode()


@dataclass(slots=True)
class Bucket:
    index: int
    min: float
    max: float
    sum: float
    count: int


def _recent_buckets() -> tuple[Any, ...]:
    r = SampleRollup
    return (r.resolution_s == bindparam("resolution_s"), r.bucket_start >= bindparam("since"))


def _recent_means() -> Any:
    r = SampleRollup
    return (
        select(r.source, r.metric, r.bucket_start, r.sum / r.count, r.min, r.max)
        .where(*_recent_buckets())
        .order_by(r.source, r.metric, r.bucket_start)
    )


# Per series, its bucket starts, means, minima and maxima in arrays: 40 rows, not thousands.
# Sent on the driver connection: through SQLAlchemy the same statement cost ~0.9 ms more
# per summary, on the request's critical path.
_PG_RECENT_MEANS = """
SELECT source, metric,
       array_agg(bucket_start ORDER BY bucket_start),
       array_agg(sum / count ORDER BY bucket_start),
       array_agg(min ORDER BY bucket_start),
       array_agg(max ORDER BY bucket_start)
FROM sample_rollups
WHERE resolution_s = $1 AND bucket_start >= $2
GROUP BY source, metric
"""


@dataclass(frozen=True, slots=True)
class LatestSeen:
    """What ingest needs of a series' latest row before moving it forward."""

    ts: datetime
    last_seen_at: datetime
    cadence_s: float | None
    stale: bool


@dataclass(frozen=True, slots=True)
class LockedSeries:
    """A batch's series as ingest finds them: the latest rows of known series, and the
    series some gate watches."""

    latest: dict[SeriesKey, LatestSeen]
    gated: frozenset[SeriesKey]


class TelemetryRepository(Repository):
    async def insert_samples(self, batch: SampleColumns, resolutions: Sequence[int]) -> None:
        """Store a batch and fold it into the rollups, in the caller's transaction: on
        PostgreSQL one statement from one JSON parameter, on SQLite executemany and then
        one aggregate upsert. Sent on the driver connection, so traced here."""
        if self.is_postgres:
            await self._on_driver(
                "INSERT telemetry_samples",
                "execute",
                _PG_INSERT,
                batch.rows_json(),
                batch.received_at,
                list(resolutions),
            )
            return
        attrs = batch.attrs_json()
        now_text = sqlite_text(batch.received_at)
        params = zip(
            batch.source,
            batch.metric,
            batch.value,
            batch.unit,
            map(sqlite_text, batch.ts),
            repeat(now_text),
            attrs,
            strict=False,
        )
        await self._on_driver("INSERT telemetry_samples", "executemany", _SQLITE_INSERT, params)
        # Rows inserted under one write lock get consecutive ids ending at the last one; the
        # CTE reads last_insert_rowid() before the first rollup row is written.
        await self._on_driver(
            "INSERT sample_rollups",
            "execute",
            _SQLITE_ROLLUPS,
            (len(batch), orjson.dumps(list(resolutions)).decode()),
        )

    async def latest_of(self, key: SeriesKey) -> MetricLatest | None:
        return await self.session.get(MetricLatest, key)

    async def lock_latest(self, keys: Iterable[SeriesKey]) -> LockedSeries:
        """The series' latest rows, locked until the commit in key order (PostgreSQL; on
        SQLite the writer lock already serializes batches), and which series gates watch."""
        keys = sorted(set(keys))
        if not keys:
            return LockedSeries({}, frozenset())
        rows = await self._fetch_for_series(
            "SELECT metric_latest", _PG_LOCK_LATEST, _SQLITE_LOCK_LATEST, keys
        )
        latest = {}
        gated = set()
        for source, metric, ts, last_seen_at, cadence_s, stale, watched in rows:
            if watched:
                gated.add((source, metric))
            if ts is not None:
                latest[(source, metric)] = LatestSeen(
                    from_store(ts), from_store(last_seen_at), cadence_s, bool(stale)
                )
        return LockedSeries(latest, frozenset(gated))

    async def upsert_latest(self, rows: list[dict[str, Any]]) -> None:
        """Insert new series; for known ones move forward only (late samples never regress)."""
        if not rows:
            return
        rows = sorted(rows, key=lambda r: (r["source"], r["metric"]))
        if self.is_postgres:
            payload = orjson.dumps(rows, option=orjson.OPT_UTC_Z).decode()
            await self._on_driver("INSERT metric_latest", "execute", _PG_UPSERT_LATEST, payload)
            return
        params = [
            (
                r["source"],
                r["metric"],
                r["value"],
                r["unit"],
                sqlite_text(r["ts"]),
                sqlite_text(r["last_seen_at"]),
                r["cadence_s"],
                r["sample_count"],
            )
            for r in rows
        ]
        await self._on_driver("INSERT metric_latest", "executemany", _SQLITE_UPSERT_LATEST, params)

    async def all_latest(self) -> Sequence[MetricLatest]:
        statement = self.statement(
            "all_latest",
            lambda: select(MetricLatest).order_by(MetricLatest.source, MetricLatest.metric),
        )
        return (await self.session.scalars(statement)).all()

    async def mark_stale(self, key: SeriesKey) -> bool:
        """Mark a series stale unless it already is; False when another replica won."""
        source, metric = key
        won = await self.session.execute(
            update(MetricLatest)
            .where(
                MetricLatest.source == source,
                MetricLatest.metric == metric,
                MetricLatest.stale.is_(False),
            )
            .values(stale=True)
        )
        return bool(won.rowcount)  # type: ignore[attr-defined]

    async def recent_means(
        self, resolution_s: int, since: datetime
    ) -> dict[SeriesKey, list[dict[str, Any]]]:
        """Every series' buckets since `since`, oldest first, as `{ts, value, min, max}`
        points (value: the mean).

        Plain values, not ORM objects or models: the summary reads thousands of them per
        call, and pydantic validates plain points in one native pass. PostgreSQL returns
        one row per series with its points in two arrays.
        """
        if self.is_postgres:
            per_series = await self._on_driver(
                "SELECT sample_rollups", "fetch", _PG_RECENT_MEANS, resolution_s, since
            )
            return {
                (source, metric): [
                    {"ts": ts, "value": value, "min": lo, "max": hi}
                    for ts, value, lo, hi in zip(starts, means, lows, highs, strict=True)
                ]
                for source, metric, starts, means, lows, highs in per_series
            }
        params = {"resolution_s": resolution_s, "since": since}
        points: dict[SeriesKey, list[dict[str, Any]]] = {}
        rows = await self.session.execute(self.statement("recent_means", _recent_means), params)
        for source, metric, ts, value, lo, hi in rows:
            points.setdefault((source, metric), []).append(
                {"ts": ts, "value": value, "min": lo, "max": hi}
            )
        return points

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
