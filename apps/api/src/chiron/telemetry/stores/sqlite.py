"""The embedded store: one samples table, old rows deleted in bounded batches.

Each batch is a unit of work of its own: it takes SQLite's one writer, deletes a bounded
set of rows, commits and lets the writer go, so ingest waiting for the writer gets in
between two batches (the writer lock is first come, first served), and the prune waits as
long as each batch took before the next one.

What a batch costs is the pages it dirties, not the rows: every one is written to the WAL
at commit and later checkpointed into the database. Ingest appends, so rowid order is time
order and the old raw samples are (nearly) a prefix of the table: raw batches walk it by
rowid ranges, a few dozen pages per 1,000 rows. The old way, each series' oldest rows
through `(source, metric, ts)`, found rows 24 apart on the table's pages (one series of
many) and dirtied about five times as many pages per row; it now only picks up what the
walk leaves (late samples, backfills). Rollups are deleted through `(resolution_s,
bucket_start)`, whose order is near rowid order already. Between batches, off the writer,
the prune checkpoints the WAL (PASSIVE: it never blocks a writer), so the 1,000-page
autocheckpoint, which runs inside a commit and so under the writer, rarely comes due.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

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

# The raw walk: the next `n` rowids from `lo` (read off the writer; ids only grow), then
# the old rows among them. Both are searches on the rowid (the INTEGER PRIMARY KEY).
_RAW_NEXT = """
SELECT count(*), max(id) FROM (
    SELECT id FROM telemetry_samples WHERE id >= :lo ORDER BY id LIMIT :n
)
"""
_RAW_RANGE_DELETE = """
DELETE FROM telemetry_samples WHERE id >= :lo AND id <= :hi AND ts < :cutoff
"""
# What the walk leaves: each known series' old rows (every series ingest has seen has a
# metric_latest row) through the (source, metric, ts) index.
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
"""
_CHECKPOINT = "PRAGMA wal_checkpoint(PASSIVE)"
_FIRST_ID = -(2**63)  # below every rowid
# A batch aims to hold the writer at most this long (DESIGN: never more than ~50 ms); the
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
        pace = _Pace(self.batch_rows)
        if tier.resolution_s is None:
            await self._walk_raw(params, removal, progress, pace)
            old, statement = _RAW_OLD, text(_RAW_DELETE)
        else:
            old, statement = _ROLLUP_OLD, text(_ROLLUP_DELETE)
        # Read first (no writer): a round with nothing left to remove never takes it.
        while await self._read(old, {**params, "n": 1}) is not None:
            size = pace.size
            deleted = await self._batch(statement, {**params, "n": size}, removal, progress, pace)
            if deleted < size:
                return

    async def _walk_raw(
        self, params: dict[str, object], removal: Removal, progress: Progress | None, pace: _Pace
    ) -> None:
        """Rowid ranges from the table's first row, as long as every row in them is old:
        the walk ends at the first range holding a young row (or at the table's end)."""
        lo, statement = _FIRST_ID, text(_RAW_RANGE_DELETE)
        while True:
            size = pace.size
            rows, hi = await self._read(_RAW_NEXT, {"lo": lo, "n": size})
            if not rows:
                return
            span = {"lo": lo, "hi": hi, "cutoff": params["cutoff"]}
            deleted = await self._batch(statement, span, removal, progress, pace)
            if deleted < rows or rows < size:
                return
            lo = hi + 1

    async def _batch(
        self,
        statement: Any,
        params: dict[str, object],
        removal: Removal,
        progress: Progress | None,
        pace: _Pace,
    ) -> int:
        """One DELETE in a unit of work of its own, then its pages checkpointed off the
        writer. Returns the rows deleted."""
        await pace.wait()
        async with UnitOfWork(self.db, None) as uow:
            session = await uow.begin()
            held = time.perf_counter()  # the writer is ours from here to the commit
            deleted = int((await session.execute(statement, params)).rowcount)  # type: ignore[attr-defined]
        # The writer is free again here: whoever queued for it goes first.
        seconds = pace.held(time.perf_counter() - held)
        if deleted:
            removal.batch_done(deleted, seconds)
            await report(progress, removal)
            await self._read(_CHECKPOINT, {})
        return deleted

    async def _read(self, sql: str, params: dict[str, object]) -> Any:
        """The first row of `sql` off the writer (None when there is none)."""
        async with self.db.readers() as session:
            return (await session.execute(text(sql), params)).first()


class _Pace:
    """One tier's batches: each sized by the holds before it (`next_size`), and started no
    sooner than as long after the last one let the writer go as that one held it, so the
    prune takes at most about half the writer's time and ingest keeps the rest (the
    checkpoint and the reads between batches count as time off the writer)."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.size = most
        self._next_at = 0.0

    def held(self, seconds: float) -> float:
        self._next_at = time.perf_counter() + seconds
        self.size = next_size(self.size, seconds, self.most)
        return seconds

    async def wait(self) -> None:
        await asyncio.sleep(max(0.0, self._next_at - time.perf_counter()))


def next_size(size: int, held_s: float, most: int) -> int:
    """The next batch's rows: half after a batch that held the writer past the target (a
    busy machine, a cold cache), a quarter more after one well under it, up to `most`."""
    if held_s > TARGET_HOLD_S:
        return max(min(MIN_BATCH, most), size // 2)
    if held_s < TARGET_HOLD_S / 2:
        return min(most, max(size + 1, size * 5 // 4))
    return size
