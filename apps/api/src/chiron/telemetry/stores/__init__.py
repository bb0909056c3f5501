"""The samples store behind one seam: write a batch, latest values, series, rollups, prune.

Domain code asks `sample_store(db)` for the store of its engine and calls the protocol;
each engine's implementation (SQLite, PostgreSQL; a column store such as ClickHouse later,
see docs/architecture.md) decides how rows are laid out and how old ones leave.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from chiron.db import Database
from chiron.models import MetricLatest
from chiron.telemetry.repository import Bucket, LockedSeries, SampleColumns, SeriesKey
from chiron.telemetry.stores.common import Progress, PruneReport, Removal, Tier, tiers

__all__ = [
    "Progress",
    "PruneReport",
    "Removal",
    "SampleStore",
    "Tier",
    "sample_store",
    "tiers",
]


class SampleStore(Protocol):
    """What domain code may ask of the samples store."""

    name: str

    async def write_batch(
        self, session: AsyncSession, batch: SampleColumns, resolutions: Sequence[int]
    ) -> None:
        """Store a validated batch and fold it into every rollup, in the caller's unit."""

    async def latest(self, session: AsyncSession) -> Sequence[MetricLatest]:
        """Every series' latest value (kept at ingest; never pruned)."""

    async def latest_of(self, session: AsyncSession, key: SeriesKey) -> MetricLatest | None:
        """One series' latest value."""

    async def lock_latest(self, session: AsyncSession, keys: Iterable[SeriesKey]) -> LockedSeries:
        """A batch's series' latest values, locked until the caller's commit, and which of
        them gates watch."""

    async def upsert_latest(self, session: AsyncSession, rows: list[dict[str, Any]]) -> None:
        """Insert new series' latest values; known ones only move forward."""

    async def series(
        self,
        session: AsyncSession,
        key: SeriesKey,
        start: datetime,
        end: datetime,
        width_s: float,
        resolution_s: int | None,
    ) -> list[Bucket]:
        """One series aggregated into buckets of `width_s` (raw samples or a rollup)."""

    async def rollups(
        self, session: AsyncSession, resolution_s: int, since: datetime
    ) -> dict[SeriesKey, list[dict[str, Any]]]:
        """Every series' buckets of one resolution since `since` (the sparklines)."""

    async def prepare(self, now: datetime) -> list[str]:
        """Make the store ready to take the next days' samples (PostgreSQL: create the
        partitions ahead); the names of what was created."""

    async def prune(
        self, tiers: Sequence[Tier], *, dry_run: bool, progress: Progress | None = None
    ) -> PruneReport:
        """Remove (or, dry, count) what each tier holds from before its cutoff, in bounded
        units of work; skipped when another prune is running on the same store."""


def sample_store(db: Database, *, batch_rows: int = 1_000, ahead_days: int = 3) -> SampleStore:
    if db.is_sqlite:
        from chiron.telemetry.stores.sqlite import SqliteSampleStore

        return SqliteSampleStore(db, batch_rows=batch_rows)
    from chiron.telemetry.stores.postgres import PostgresSampleStore

    return PostgresSampleStore(db, batch_rows=batch_rows, ahead_days=ahead_days)
