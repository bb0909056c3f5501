"""The production store: samples in daily RANGE partitions on `ts`, created ahead of time,
and old days leaving as whole partitions (DROP TABLE: no DELETE, no bloat, no vacuum debt).

Rows outside every daily partition (far past, far future) land in the DEFAULT partition;
creating a day whose rows already sit there moves them into the new partition first. The
default partition's old rows and the rollups' old buckets leave by bounded DELETE batches
(the rollups are one table keyed by resolution; see docs/retention.md). Only one replica
prunes at a time: a session-level advisory lock, tried and never waited for.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Mapping, Sequence
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

PARENT = "telemetry_samples"
DEFAULT_PARTITION = "telemetry_samples_default"
_DAY_NAME = re.compile(r"^telemetry_samples_p(\d{8})$")  # models.sample.SAMPLE_PARTITION
# "chir" + "prun": one lock id shared by every replica of one database.
PRUNE_LOCK_ID = 0x6368697270_72756E
# DDL on a partition waits for the transactions using the parent; ingest's are short. Past
# this the job gives up for this round instead of queueing ingest behind it.
LOCK_TIMEOUT = "5s"

_PARTITIONS = """
SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'telemetry_samples'::regclass
"""
_DEFAULT_OLD = "SELECT ctid FROM telemetry_samples_default WHERE ts < :cutoff LIMIT :n"
_ROLLUP_OLD = (
    "SELECT ctid FROM sample_rollups WHERE resolution_s = :resolution "
    "AND bucket_start < :cutoff LIMIT :n"
)


def partition_name(day: date) -> str:
    return f"telemetry_samples_p{day:%Y%m%d}"


def partition_day(name: str) -> date | None:
    match = _DAY_NAME.match(name)
    return None if match is None else datetime.strptime(match[1], "%Y%m%d").date()


def _bounds(day: date) -> tuple[str, str]:
    lo = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return lo.isoformat(), (lo + timedelta(days=1)).isoformat()


def _day_end(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)


async def create_partition(conn: AsyncConnection, day: date) -> None:
    """The day's partition; rows of that day already in the default partition move in."""
    name = partition_name(day)
    lo, hi = _bounds(day)
    await conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    stray = await conn.scalar(
        text(f"SELECT EXISTS (SELECT FROM {DEFAULT_PARTITION} WHERE ts >= :lo AND ts < :hi)"),  # noqa: S608 - our names
        {"lo": datetime.fromisoformat(lo), "hi": datetime.fromisoformat(hi)},
    )
    if not stray:
        await conn.execute(
            text(f"CREATE TABLE {name} PARTITION OF {PARENT} FOR VALUES FROM ('{lo}') TO ('{hi}')")
        )
        return
    await conn.execute(text(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS)"))
    move = (
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE ts >= :lo AND ts < :hi "  # noqa: S608
        f"RETURNING *) INSERT INTO {name} SELECT * FROM moved"
    )
    await conn.execute(
        text(move),
        {"lo": datetime.fromisoformat(lo), "hi": datetime.fromisoformat(hi)},
    )
    await conn.execute(
        text(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES FROM ('{lo}') TO ('{hi}')")
    )


class PostgresSampleStore(SqlSampleStore):
    name = "postgresql"

    def __init__(self, db: Database, *, batch_rows: int, ahead_days: int) -> None:
        super().__init__(db, batch_rows=batch_rows)
        self.ahead_days = ahead_days

    async def partitions(self) -> dict[str, date | None]:
        async with self.db.readers() as session:
            names = (await session.execute(text(_PARTITIONS))).scalars().all()
        return {name: partition_day(name) for name in sorted(names)}

    async def prepare(self, now: datetime) -> list[str]:
        """Yesterday to `ahead_days` after today, each missing day in a unit of its own."""
        existing = await self.partitions()
        today = now.astimezone(UTC).date()
        created = []
        for offset in range(-1, self.ahead_days + 1):
            day = today + timedelta(days=offset)
            if partition_name(day) in existing:
                continue
            async with UnitOfWork(self.db, None) as uow:
                session = await uow.begin()
                await create_partition(await session.connection(), day)
            created.append(partition_name(day))
        return created

    async def prune(
        self, tiers: Sequence[Tier], *, dry_run: bool, progress: Progress | None = None
    ) -> PruneReport:
        result = PruneReport(dry_run=dry_run)
        # The lock lives on a connection of its own, outside every unit of work, for as
        # long as the prune runs; it goes with the connection if this process dies.
        async with self.db.engine.connect() as raw:
            conn = await raw.execution_options(isolation_level="AUTOCOMMIT")
            if not await conn.scalar(
                text("SELECT pg_try_advisory_lock(:id)"), {"id": PRUNE_LOCK_ID}
            ):
                result.skipped = "another replica is pruning (advisory lock held)"
                return result
            try:
                for tier in tiers:
                    removal = Removal(tier)
                    result.removals.append(removal)
                    if tier.resolution_s is None:
                        await self._prune_raw(tier, removal, dry_run, progress)
                    else:
                        await self._prune_rollups(tier, removal, dry_run, progress)
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": PRUNE_LOCK_ID})
        return result

    async def _prune_raw(
        self, tier: Tier, removal: Removal, dry_run: bool, progress: Progress | None
    ) -> None:
        # A day's partition goes once its whole day is before the cutoff.
        old = [
            name
            for name, day in (await self.partitions()).items()
            if day is not None and _day_end(day) <= tier.cutoff
        ]
        for name in old:
            started = time.perf_counter()
            async with UnitOfWork(self.db, None) as uow:
                session = await uow.begin()
                count = text(f"SELECT count(*) FROM {name}")  # noqa: S608 - a partition's name
                rows = int((await session.execute(count)).scalar_one())
                if not dry_run:
                    await session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
                    await session.execute(text(f"DROP TABLE {name}"))
            removal.partitions.append(name)
            removal.batch_done(rows, time.perf_counter() - started)
            await report(progress, removal)
        await self._delete_batches(
            DEFAULT_PARTITION, _DEFAULT_OLD, {"cutoff": tier.cutoff}, removal, dry_run, progress
        )

    async def _prune_rollups(
        self, tier: Tier, removal: Removal, dry_run: bool, progress: Progress | None
    ) -> None:
        params = {"cutoff": tier.cutoff, "resolution": tier.resolution_s}
        await self._delete_batches(
            "sample_rollups", _ROLLUP_OLD, params, removal, dry_run, progress
        )

    async def _delete_batches(
        self,
        table: str,
        old: str,
        params: Mapping[str, object],
        removal: Removal,
        dry_run: bool,
        progress: Progress | None,
    ) -> None:
        params = {**params, "n": self.batch_rows}
        if dry_run:
            count = old.replace("SELECT ctid", "SELECT count(*)").replace(" LIMIT :n", "")
            async with self.db.readers() as session:
                removal.rows += int((await session.execute(text(count), params)).scalar_one())
            await report(progress, removal)
            return
        delete = text(f"DELETE FROM {table} WHERE ctid = ANY(ARRAY({old}))")  # noqa: S608
        while True:
            started = time.perf_counter()
            async with UnitOfWork(self.db, None) as uow:
                session = await uow.begin()
                deleted = (await session.execute(delete, params)).rowcount  # type: ignore[attr-defined]
            if deleted:
                removal.batch_done(deleted, time.perf_counter() - started)
                await report(progress, removal)
            if deleted < self.batch_rows:
                return
            await asyncio.sleep(0)
