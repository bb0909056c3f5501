"""The embedded store: one samples table, old rows deleted in bounded batches.

Each batch is a unit of work of its own: it takes SQLite's one writer, deletes at most
`batch_rows` rows found through an index (the series index for raw samples, the
resolution/bucket index for rollups), commits and lets the writer go, so ingest waiting
for the writer gets in between two batches (the writer lock is first come, first served),
and the prune waits as long as each batch took before the next one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import text

from chiron.kit.time import sqlite_text
from chiron.telemetry.stores.common import (
    Progress,
    PruneReport,
    Removal,
    SqlSampleStore,
    Tier,
    report,
)
from chiron.uow import UnitOfWork

# Raw samples of the known series (every series ingest has seen has a metric_latest row),
# each series' old rows through the (source, metric, ts) index.
_RAW_OLD = """
SELECT s.id FROM metric_latest m
JOIN telemetry_samples s ON s.source = m.source AND s.metric = m.metric AND s.ts < :cutoff
LIMIT :n
"""
_RAW_DELETE = f"DELETE FROM telemetry_samples WHERE id IN ({_RAW_OLD})"  # noqa: S608
_RAW_COUNT = """
SELECT count(*) FROM metric_latest m
JOIN telemetry_samples s ON s.source = m.source AND s.metric = m.metric AND s.ts < :cutoff
"""
_ROLLUP_OLD = """
SELECT rowid FROM sample_rollups WHERE resolution_s = :resolution AND bucket_start < :cutoff
LIMIT :n
"""
_ROLLUP_DELETE = f"DELETE FROM sample_rollups WHERE rowid IN ({_ROLLUP_OLD})"  # noqa: S608
_ROLLUP_COUNT = """
SELECT count(*) FROM sample_rollups WHERE resolution_s = :resolution AND bucket_start < :cutoff
"""  # A batch aims to hold the writer at most this long (DESIGN: never more than ~50 ms); the
# batch size adapts to what the machine does now, within [MIN_BATCH, prune_batch_rows].
TARGET_HOLD_S = 0.04
MIN_BATCH = 100

# Stores with a prune running in this process (SQLite has one writer process anyway).
_running: set[int] = set()


class SqliteSampleStore(SqlSampleStore):
    name = "sqlite"

    async def prepare(self, now: datetime) -> list[str]:
        return []  # one table: nothing to create ahead

    async def prune(
        self, tiers: Sequence[Tier], *, dry_run: bool, progress: Progress | None = None
    ) -> PruneReport:
        result = PruneReport(dry_run=dry_run)
        if id(self.db) in _running:
            result.skipped = "another prune is running in this process"
            return result
        _running.add(id(self.db))
        try:
            for tier in tiers:
                removal = Removal(tier)
                result.removals.append(removal)
                params = self._params(tier)
                if dry_run:
                    async with self.db.readers() as session:
                        count = _RAW_COUNT if tier.resolution_s is None else _ROLLUP_COUNT
                        removal.rows = int(
                            (await session.execute(text(count), params)).scalar_one()
                        )
                    await report(progress, removal)
                    continue
                await self._delete(tier, params, removal, progress)
        finally:
            _running.discard(id(self.db))
        return result

    def _params(self, tier: Tier) -> dict[str, object]:
        params: dict[str, object] = {"cutoff": sqlite_text(tier.cutoff), "n": self.batch_rows}
        if tier.resolution_s is not None:
            params["resolution"] = tier.resolution_s
        return params

    async def _delete(
        self, tier: Tier, params: dict[str, object], removal: Removal, progress: Progress | None
    ) -> None:
        statement = text(_RAW_DELETE if tier.resolution_s is None else _ROLLUP_DELETE)
        size = self.batch_rows
        while True:
            async with UnitOfWork(self.db, None) as uow:
                session = await uow.begin()
                held = time.perf_counter()  # the writer is ours from here to the commit
                deleted = (await session.execute(statement, {**params, "n": size})).rowcount  # type: ignore[attr-defined]
            # The writer is free again here: whoever queued for it goes first.
            seconds = time.perf_counter() - held
            if deleted:
                removal.batch_done(deleted, seconds)
                await report(progress, removal)
            if deleted < size:
                return
            size = next_size(size, seconds, self.batch_rows)
            # Paced: as long off the writer as the batch was on it, so the prune takes at
            # most about half the writer's time and ingest keeps the rest.
            await asyncio.sleep(seconds)


def next_size(size: int, held_s: float, most: int) -> int:
    """The next batch's rows: half after a batch that held the writer past the target (a
    busy machine, a cold cache), a quarter more after one well under it, up to `most`."""
    if held_s > TARGET_HOLD_S:
        return max(min(MIN_BATCH, most), size // 2)
    if held_s < TARGET_HOLD_S / 2:
        return min(most, max(size + 1, size * 5 // 4))
    return size
