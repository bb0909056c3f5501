"""What every samples store shares: the tiers and their cutoffs, prune reports, and the
read and write paths both SQL stores answer through TelemetryRepository."""

from __future__ import annotations

import inspect
import math
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from chiron.db import Database
from chiron.models import MetricLatest
from chiron.telemetry.repository import (
    Bucket,
    LockedSeries,
    SampleColumns,
    SeriesKey,
    TelemetryRepository,
)
from chiron.telemetry.rollups import RESOLUTIONS

# Tier names as the settings spell them (CHIRON_RETENTION_ROLLUP_10S ...), by resolution.
RESOLUTION_NAMES = {10: "10s", 60: "1m", 600: "10m", 3600: "1h"}


@dataclass(frozen=True, slots=True)
class Tier:
    """Raw samples (`resolution_s` None) or one rollup resolution, and the time before
    which its rows go. A rollup's cutoff is aligned down to its bucket width, so a bucket
    that still holds data inside the retention is never removed."""

    name: str
    resolution_s: int | None
    cutoff: datetime

    @property
    def table(self) -> str:
        return "telemetry_samples" if self.resolution_s is None else "sample_rollups"


def tiers(retention: dict[str, timedelta | None], now: datetime) -> list[Tier]:
    """The tiers that have a retention (None: kept forever), finest first."""
    out = []
    if retention.get("raw") is not None:
        out.append(Tier("raw", None, now - retention["raw"]))  # type: ignore[operator]
    for resolution in RESOLUTIONS:
        kept = retention.get(RESOLUTION_NAMES[resolution])
        if kept is None:
            continue
        cutoff = (now - kept).timestamp()
        aligned = math.floor(cutoff / resolution) * resolution
        out.append(
            Tier(RESOLUTION_NAMES[resolution], resolution, datetime.fromtimestamp(aligned, UTC))
        )
    return out


@dataclass(slots=True)
class Removal:
    """What one tier lost (or, dry, would lose)."""

    tier: Tier
    rows: int = 0
    batches: int = 0
    partitions: list[str] = field(default_factory=list)
    longest_batch_s: float = 0.0  # the longest unit of work (SQLite: writer held)
    counting_s: float = 0.0  # PostgreSQL: counting the days dropped, off their lock

    def batch_done(self, rows: int, seconds: float) -> None:
        self.rows += rows
        self.batches += 1
        self.longest_batch_s = max(self.longest_batch_s, seconds)


@dataclass(slots=True)
class PruneReport:
    dry_run: bool
    removals: list[Removal] = field(default_factory=list)
    skipped: str | None = None  # why nothing ran (another prune holds the lock)
    created: list[str] = field(default_factory=list)  # partitions made ahead

    @property
    def rows(self) -> int:
        return sum(r.rows for r in self.removals)

    @property
    def batches(self) -> int:
        return sum(r.batches for r in self.removals)

    @property
    def longest_batch_s(self) -> float:
        return max((r.longest_batch_s for r in self.removals), default=0.0)

    @property
    def counting_s(self) -> float:
        return sum(r.counting_s for r in self.removals)


# Called after every batch (a committed unit of work) with the tier's running totals; may
# be a coroutine function.
Progress = Callable[[Removal], Awaitable[None] | None]


async def report(progress: Progress | None, removal: Removal) -> None:
    if progress is None:
        return
    result = progress(removal)
    if inspect.isawaitable(result):
        await result


class SqlSampleStore:
    """Writes and reads through TelemetryRepository, shared by the SQLite and PostgreSQL
    stores; prune and prepare are each engine's own."""

    name = "sql"

    def __init__(self, db: Database, *, batch_rows: int) -> None:
        self.db = db
        self.batch_rows = batch_rows

    async def write_batch(
        self, session: AsyncSession, batch: SampleColumns, resolutions: Sequence[int]
    ) -> None:
        await TelemetryRepository(session).insert_samples(batch, resolutions)

    async def latest(self, session: AsyncSession) -> Sequence[MetricLatest]:
        return await TelemetryRepository(session).all_latest()

    async def latest_of(self, session: AsyncSession, key: SeriesKey) -> MetricLatest | None:
        return await TelemetryRepository(session).latest_of(key)

    async def lock_latest(self, session: AsyncSession, keys: Iterable[SeriesKey]) -> LockedSeries:
        return await TelemetryRepository(session).lock_latest(keys)

    async def upsert_latest(self, session: AsyncSession, rows: list[dict[str, Any]]) -> None:
        await TelemetryRepository(session).upsert_latest(rows)

    async def series(
        self,
        session: AsyncSession,
        key: SeriesKey,
        start: datetime,
        end: datetime,
        width_s: float,
        resolution_s: int | None,
    ) -> list[Bucket]:
        return await TelemetryRepository(session).bucketed(key, start, end, width_s, resolution_s)

    async def rollups(
        self, session: AsyncSession, resolution_s: int, since: datetime
    ) -> dict[SeriesKey, list[dict[str, Any]]]:
        return await TelemetryRepository(session).recent_means(resolution_s, since)
