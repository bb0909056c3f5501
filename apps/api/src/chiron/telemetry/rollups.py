"""Rollup arithmetic: the resolutions kept, and which one a query reads."""

from __future__ import annotations

import math
from datetime import UTC, datetime

# Seconds per bucket, finest first. Kept at ingest (the store folds each batch into every
# resolution: TelemetryRepository.insert_samples) so long ranges never scan raw samples.
RESOLUTIONS = (10, 60, 600, 3600)


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
