"""Rollup arithmetic: which buckets a sample lands in, and which resolution a query reads."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime

from chiron.telemetry.repository import RollupRow

# Seconds per bucket, finest first. Kept at ingest so long ranges never scan raw samples.
RESOLUTIONS = (10, 60, 600, 3600)


def bucket_start(ts: datetime, resolution_s: int) -> datetime:
    epoch = ts.timestamp()
    return datetime.fromtimestamp(epoch - epoch % resolution_s, UTC)


def rollup_rows(samples: Iterable[tuple[str, str, datetime, float]]) -> list[RollupRow]:
    """Pre-aggregate a batch so each (series, resolution, bucket) is upserted once."""
    # Integer bucket numbers on the hot path; datetimes only once per bucket at the end.
    acc: dict[tuple[str, str, int, int], list[float]] = {}
    for source, metric, ts, value in samples:
        epoch = ts.timestamp()
        for res in RESOLUTIONS:
            key = (source, metric, res, int(epoch // res))
            agg = acc.get(key)
            if agg is None:
                acc[key] = [value, value, value, 1]
            else:
                if value < agg[0]:
                    agg[0] = value
                if value > agg[1]:
                    agg[1] = value
                agg[2] += value
                agg[3] += 1
    return [
        RollupRow(
            source, metric, res, datetime.fromtimestamp(n * res, UTC), lo, hi, total, int(count)
        )
        for (source, metric, res, n), (lo, hi, total, count) in acc.items()
    ]


def _width(span: float, target: float) -> tuple[float, int | None]:
    width = span / target
    resolution = None
    for res in RESOLUTIONS:
        if width >= res:
            resolution = res
    if resolution is None:
        # Millisecond widths keep raw-sample arithmetic exact enough.
        return max(math.ceil(width * 1000) / 1000, 0.001), None
    # A multiple of the rollup's resolution, so its buckets nest inside the result's.
    return math.ceil(width / resolution) * resolution, resolution


def aligned(start: datetime, end: datetime, width: float) -> tuple[datetime, datetime]:
    """Bucket edges on multiples of `width` from the epoch, covering [start, end)."""
    lo = math.floor(start.timestamp() / width) * width
    hi = math.ceil(end.timestamp() / width) * width
    if hi <= lo:
        hi = lo + width
    return datetime.fromtimestamp(lo, UTC), datetime.fromtimestamp(hi, UTC)


def plan(
    start: datetime, end: datetime, points: int
) -> tuple[float, int | None, datetime, datetime]:
    """(bucket width s, rollup resolution or None for raw samples, first edge, last edge).

    Edges sit on multiples of the width, which can add a bucket at either end; the target
    shrinks until the aligned range holds at most `points` buckets.
    """
    span = max((end - start).total_seconds(), 1e-3)
    target = float(points)
    while True:
        width, resolution = _width(span, target)
        lo, hi = aligned(start, end, width)
        if round((hi - lo).total_seconds() / width) <= points:
            return width, resolution, lo, hi
        target = target - 1 if target > 1 else target / 2
