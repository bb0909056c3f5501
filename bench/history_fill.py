"""Fill a Chiron store with a day of history, fast: samples and their rollups written
straight into the tables, not through the ingest endpoint (~25 k samples/s), for the
dashboard's history benchmark (apps/web/e2e/history.bench.ts, `make bench-dashboard`).

Rows go where ingest puts them (TelemetryRepository.insert_samples): `telemetry_samples`,
and `sample_rollups` at every resolution of chiron.telemetry.rollups.RESOLUTIONS, bucketed
the way the store does it (epoch-aligned, whole seconds: `date_bin` on PostgreSQL,
`sec / res * res` on SQLite), with min, max, sum and count. PostgreSQL gets binary COPY
(the daily partitions route the rows); SQLite one executemany transaction. Latest values
are left to the API: the benchmark ingests one current sample per series afterwards, so
`metric_latest`, gates and the stream see it as they would any sample.

    python bench/history_fill.py --url sqlite+aiosqlite:////tmp/x/chiron.db \
        --series '[{"source": "s1", "metric": "m.a", "unit": "V", "base": 5, "amp": 1}]' \
        --per-series 500000 --hours 24

Prints one JSON line: rows written per table and the seconds each step took.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from chiron.telemetry.rollups import RESOLUTIONS

SAMPLE_COLUMNS = ("source", "metric", "value", "unit", "ts", "received_at", "attrs")
ROLLUP_COLUMNS = ("source", "metric", "resolution_s", "bucket_start", "min", "max", "sum", "count")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)

Rollup = dict[tuple[int, int], list[float]]  # (resolution, bucket start s) -> min max sum n


def samples(
    spec: dict[str, Any], index: int, per_series: int, start: datetime, end: datetime
) -> Iterator[tuple[datetime, float]]:
    """`per_series` evenly spaced samples in [start, end): a slow wave, a faster ripple and
    noise, so min-max bands have width and the mean moves."""
    rng = random.Random(index)
    span_us = (end - start) // timedelta(microseconds=1)
    step = timedelta(microseconds=span_us // per_series)
    # Series do not all report on the same instant.
    ts = start + timedelta(microseconds=index * 7919) % step
    base, amp = float(spec["base"]), float(spec["amp"])
    phase = index * 0.7
    w1, w2 = 2 * math.pi * 3 / per_series, 2 * math.pi * 97 / per_series
    sin, noise = math.sin, rng.random
    for k in range(per_series):
        wave = sin(w1 * k + phase) + 0.3 * sin(w2 * k)
        yield ts, round(base + amp * (wave + (noise() - 0.5) * 0.2), 4)
        ts += step


def fold(rollup: Rollup, ts: datetime, value: float) -> None:
    """The finest resolution from the sample; the coarser ones nest (see rollup_rows)."""
    sec = (ts - EPOCH) // _SECOND  # whole seconds, as the stores bucket
    res = RESOLUTIONS[0]
    key = (res, sec // res * res)
    b = rollup.get(key)
    if b is None:
        rollup[key] = [value, value, value, 1]
    else:
        b[0] = min(b[0], value)
        b[1] = max(b[1], value)
        b[2] += value
        b[3] += 1


def rollup_rows(rollup: Rollup) -> list[tuple[int, int, float, float, float, int]]:
    """Every resolution's buckets: each coarser one folds the finest ones it holds (every
    resolution is a multiple of the finest, and all are aligned to the epoch)."""
    out: Rollup = dict(rollup)
    finest = RESOLUTIONS[0]
    for res in RESOLUTIONS[1:]:
        assert res % finest == 0, RESOLUTIONS
        for (_, start), (lo, hi, total, n) in rollup.items():
            key = (res, start // res * res)
            b = out.get(key)
            if b is None:
                out[key] = [lo, hi, total, n]
            else:
                b[0] = min(b[0], lo)
                b[1] = max(b[1], hi)
                b[2] += total
                b[3] += n
    return [(res, start, lo, hi, total, int(n)) for (res, start), (lo, hi, total, n) in out.items()]


def sqlite_text(value: datetime) -> str:
    return value.isoformat(" ", "microseconds")[:26]  # chiron.kit.time.sqlite_text


async def fill_postgres(
    url: str, series: list[dict[str, Any]], per_series: int, start: datetime, end: datetime
) -> dict[str, Any]:
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    took: dict[str, float] = {}
    rollups = 0
    try:
        t0 = time.perf_counter()
        for i, spec in enumerate(series):
            rollup: Rollup = {}
            records = []
            for ts, value in samples(spec, i, per_series, start, end):
                fold(rollup, ts, value)
                records.append((spec["source"], spec["metric"], value, spec["unit"], ts, ts, None))
            await conn.copy_records_to_table(
                "telemetry_samples", records=records, columns=SAMPLE_COLUMNS
            )
            rows = [
                (spec["source"], spec["metric"], res, EPOCH + timedelta(seconds=b), lo, hi, s, n)
                for res, b, lo, hi, s, n in rollup_rows(rollup)
            ]
            await conn.copy_records_to_table("sample_rollups", records=rows, columns=ROLLUP_COLUMNS)
            rollups += len(rows)
        took["write_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        await conn.execute("ANALYZE telemetry_samples")
        await conn.execute("ANALYZE sample_rollups")
        took["analyze_s"] = time.perf_counter() - t0
    finally:
        await conn.close()
    return {"samples": per_series * len(series), "rollups": rollups, **took}


def fill_sqlite(
    url: str, series: list[dict[str, Any]], per_series: int, start: datetime, end: datetime
) -> dict[str, Any]:
    db = sqlite3.connect(url.split(":///", 1)[1], timeout=60)
    took: dict[str, float] = {}
    rollups = 0
    try:
        t0 = time.perf_counter()
        with db:  # one transaction
            for i, spec in enumerate(series):
                rollup: Rollup = {}
                records = []
                for ts, value in samples(spec, i, per_series, start, end):
                    fold(rollup, ts, value)
                    text = sqlite_text(ts)
                    records.append(
                        (spec["source"], spec["metric"], value, spec["unit"], text, text)
                    )
                db.executemany(
                    "INSERT INTO telemetry_samples (source, metric, value, unit, ts, received_at, "
                    "attrs) VALUES (?, ?, ?, ?, ?, ?, NULL)",
                    records,
                )
                rows = [
                    (
                        spec["source"],
                        spec["metric"],
                        res,
                        sqlite_text(EPOCH + timedelta(seconds=b)),
                        lo,
                        hi,
                        s,
                        n,
                    )
                    for res, b, lo, hi, s, n in rollup_rows(rollup)
                ]
                db.executemany(
                    "INSERT INTO sample_rollups (source, metric, resolution_s, bucket_start, min, "
                    "max, sum, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                rollups += len(rows)
        took["write_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        db.execute("ANALYZE")
        took["analyze_s"] = time.perf_counter() - t0
    finally:
        db.close()
    return {"samples": per_series * len(series), "rollups": rollups, **took}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the store's SQLAlchemy URL (as the API's)")
    parser.add_argument(
        "--series", required=True, help="JSON list of {source, metric, unit, base, amp}"
    )
    parser.add_argument("--per-series", type=int, default=500_000)
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--end", help="ISO 8601 end of the history (default: now)")
    args = parser.parse_args()
    series = json.loads(args.series)
    end = datetime.fromisoformat(args.end) if args.end else datetime.now(UTC)
    start = end - timedelta(hours=args.hours)
    t0 = time.perf_counter()
    if args.url.startswith("postgresql"):
        result = asyncio.run(fill_postgres(args.url, series, args.per_series, start, end))
    elif args.url.startswith("sqlite"):
        result = fill_sqlite(args.url, series, args.per_series, start, end)
    else:
        raise SystemExit(f"history_fill: unsupported store URL {args.url}")
    result["total_s"] = time.perf_counter() - t0
    result["from"], result["to"] = start.isoformat(), end.isoformat()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
