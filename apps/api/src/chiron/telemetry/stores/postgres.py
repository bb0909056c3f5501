"""The production store: samples and the fine rollups in daily RANGE partitions, created
ahead of time, and old days leaving as whole partitions (DROP TABLE: no DELETE, no bloat,
no vacuum debt).

Layout (migration c9e4f2a7d613): `telemetry_samples` by day of `ts`; `sample_rollups` by
LIST (resolution_s), its 10 s and 1 min partitions again by day of `bucket_start` (together
they hold about as many rows as the samples), the 10 min and 1 h ones one table each (a row
per series per bucket). Rows outside every daily partition (far past, far future) land in
a DEFAULT partition; creating a day whose rows already sit there moves them in first. The
defaults' old rows and the coarse rollups' old buckets leave by bounded DELETE batches.
Only one replica prunes at a time: a session-level advisory lock, tried, never waited for.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from chiron.db import Database
from chiron.telemetry.stores.common import (
    Progress,
    PruneReport,
    Removal,
    SqlSampleStore,
    Tier,
    report,
)
from chiron.uow import UnitOfWork

# "chirprun": one lock id shared by every replica of one database.
PRUNE_LOCK_ID = 0x6368697270_72756E
# DDL on a partition waits for the transactions using its parent; ingest's are short. Past
# this the job gives up for this round instead of queueing ingest behind it.
LOCK_TIMEOUT = "5s"
_FILL = " WITH (fillfactor = 70)"  # rollups are updated in place (3b1f9e2a6c10)
_DAY = re.compile(r"_p(\d{8})$")


@dataclass(frozen=True, slots=True)
class DailyTable:
    """A table partitioned by day of `column` (UTC), with a DEFAULT partition."""

    parent: str
    column: str
    storage: str = ""

    @property
    def default(self) -> str:
        return f"{self.parent}_default"

    def name(self, day: date) -> str:
        return f"{self.parent}_p{day:%Y%m%d}"


SAMPLES = DailyTable("telemetry_samples", "ts")
DAILY_ROLLUPS = {
    10: DailyTable("sample_rollups_r10", "bucket_start", _FILL),
    60: DailyTable("sample_rollups_r60", "bucket_start", _FILL),
}
DAILY = (SAMPLES, *DAILY_ROLLUPS.values())

_CHILDREN = """
SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = CAST(:parent AS regclass)
"""


def partition_day(name: str) -> date | None:
    match = _DAY.search(name)
    return None if match is None else datetime.strptime(match[1], "%Y%m%d").date()


def _start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def create_partition(conn: AsyncConnection, table: DailyTable, day: date) -> None:
    """The day's partition; rows of that day already in the default partition move in."""
    name = table.name(day)
    lo, hi = _start(day), _start(day) + timedelta(days=1)
    bounds = f"FOR VALUES FROM ('{lo.isoformat()}') TO ('{hi.isoformat()}')"
    span = {"lo": lo, "hi": hi}
    where = f"{table.column} >= :lo AND {table.column} < :hi"
    await conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    stray = await conn.scalar(
        text(f"SELECT EXISTS (SELECT FROM {table.default} WHERE {where})"),  # noqa: S608
        span,
    )
    if not stray:
        await conn.execute(
            text(f"CREATE TABLE {name} PARTITION OF {table.parent} {bounds}{table.storage}")
        )
        return
    await conn.execute(
        text(f"CREATE TABLE {name} (LIKE {table.parent} INCLUDING DEFAULTS){table.storage}")
    )
    move = (
        f"WITH moved AS (DELETE FROM {table.default} WHERE {where} RETURNING *) "  # noqa: S608
        f"INSERT INTO {name} SELECT * FROM moved"
    )
    await conn.execute(text(move), span)
    await conn.execute(text(f"ALTER TABLE {table.parent} ATTACH PARTITION {name} {bounds}"))


class PostgresSampleStore(SqlSampleStore):
    name = "postgresql"

    def __init__(self, db: Database, *, batch_rows: int, ahead_days: int) -> None:
        super().__init__(db, batch_rows=batch_rows)
        self.ahead_days = ahead_days

    async def partitions(self, table: DailyTable = SAMPLES) -> dict[str, date | None]:
        async with self.db.readers() as session:
            rows = await session.execute(text(_CHILDREN), {"parent": table.parent})
            names = rows.scalars().all()
        return {name: partition_day(name) for name in sorted(names)}

    async def prepare(self, now: datetime) -> list[str]:
        """Yesterday to `ahead_days` after today, for the samples and the daily rollups,
        each missing day in a unit of work of its own."""
        today = now.astimezone(UTC).date()
        created = []
        for table in DAILY:
            existing = await self.partitions(table)
            for offset in range(-1, self.ahead_days + 1):
                day = today + timedelta(days=offset)
                if table.name(day) in existing:
                    continue
                async with UnitOfWork(self.db, None) as uow:
                    session = await uow.begin()
                    await create_partition(await session.connection(), table, day)
                created.append(table.name(day))
        return created

    async def prune(
        self, tiers: Sequence[Tier], *, dry_run: bool, progress: Progress | None = None
    ) -> PruneReport:
        result = PruneReport(dry_run=dry_run)
        # The lock lives on a connection of its own, outside every unit of work, for as
        # long as the prune runs; it goes with the connection if this process dies.
        async with self.db.engine.connect() as raw:
            conn = await raw.execution_options(isolation_level="AUTOCOMMIT")
            locked = await conn.scalar(
                text("SELECT pg_try_advisory_lock(:id)"), {"id": PRUNE_LOCK_ID}
            )
            if not locked:
                result.skipped = "another replica is pruning (advisory lock held)"
                return result
            try:
                for tier in tiers:
                    removal = Removal(tier)
                    result.removals.append(removal)
                    await self._prune_tier(tier, removal, dry_run, progress)
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": PRUNE_LOCK_ID})
        return result

    async def _prune_tier(
        self, tier: Tier, removal: Removal, dry_run: bool, progress: Progress | None
    ) -> None:
        if tier.resolution_s is None:
            table: DailyTable | None = SAMPLES
        else:
            table = DAILY_ROLLUPS.get(tier.resolution_s)
        params: dict[str, object] = {"cutoff": tier.cutoff}
        if table is None:  # a coarse rollup: one table of its own, batches of DELETE
            params["resolution"] = tier.resolution_s
            leaf = f"sample_rollups_r{tier.resolution_s}"
            old = (
                f"SELECT ctid FROM {leaf} "  # noqa: S608 - a partition's name
                "WHERE resolution_s = :resolution AND bucket_start < :cutoff"
            )
            await self._delete_batches(leaf, old, params, removal, dry_run, progress)
            return
        await self._drop_days(table, tier, removal, dry_run, progress)
        old = f"SELECT ctid FROM {table.default} WHERE {table.column} < :cutoff"  # noqa: S608
        await self._delete_batches(table.default, old, params, removal, dry_run, progress)

    async def _drop_days(
        self,
        table: DailyTable,
        tier: Tier,
        removal: Removal,
        dry_run: bool,
        progress: Progress | None,
    ) -> None:
        """Each day wholly before the cutoff: counted, then dropped in a unit of its own.

        The count is a read of its own, before the drop's transaction: that one takes
        ACCESS EXCLUSIVE on the parent, which queues ingest, so it holds nothing but the
        DROP (a day of millions of rows takes a second or more to count). Rows can still
        reach an old day's partition between the two (a sample weeks late), so the count
        is of what the day held just before it went."""
        for name, day in (await self.partitions(table)).items():
            if day is None or _start(day) + timedelta(days=1) > tier.cutoff:
                continue
            counted = time.perf_counter()
            async with self.db.readers() as session:
                count = text(f"SELECT count(*) FROM {name}")  # noqa: S608 - a partition's name
                rows = int((await session.execute(count)).scalar_one())
            started = time.perf_counter()
            removal.counting_s += started - counted
            if not dry_run:
                async with UnitOfWork(self.db, None) as uow:
                    session = await uow.begin()
                    await session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
                    await session.execute(text(f"DROP TABLE {name}"))
            removal.partitions.append(name)
            removal.batch_done(rows, time.perf_counter() - started)
            await report(progress, removal)

    async def _delete_batches(
        self,
        leaf: str,
        old: str,
        params: Mapping[str, object],
        removal: Removal,
        dry_run: bool,
        progress: Progress | None,
    ) -> None:
        """DELETE from one leaf table (ctid is unique only within one) in bounded units."""
        if dry_run:
            count = old.replace("SELECT ctid", "SELECT count(*)", 1)
            async with self.db.readers() as session:
                removal.rows += int((await session.execute(text(count), params)).scalar_one())
            await report(progress, removal)
            return
        delete = text(f"DELETE FROM {leaf} WHERE ctid = ANY(ARRAY({old} LIMIT :n))")  # noqa: S608
        bounded = {**params, "n": self.batch_rows}
        while True:
            started = time.perf_counter()
            async with UnitOfWork(self.db, None) as uow:
                session = await uow.begin()
                deleted = (await session.execute(delete, bounded)).rowcount  # type: ignore[attr-defined]
            if deleted:
                removal.batch_done(deleted, time.perf_counter() - started)
                await report(progress, removal)
            if deleted < self.batch_rows:
                return
            await asyncio.sleep(0)
