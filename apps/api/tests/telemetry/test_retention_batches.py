"""How the prune's units of work are cut: on SQLite, raw batches walk the table in rowid
order (consecutive rows, so few pages per batch) and the WAL is checkpointed between
batches off the writer; on PostgreSQL, a dropped day is counted outside the transaction
that drops it (that one takes ACCESS EXCLUSIVE on the parent)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text

from chiron.cli import alembic_config
from chiron.config import Settings
from chiron.db import Database
from chiron.kit.time import sqlite_text, utcnow
from chiron.telemetry.retention import prune, store_for
from chiron.telemetry.stores import Removal
from chiron.uow import UnitOfWork
from tests.fixtures.factories import ingest, sample
from tests.fixtures.stores import store_kind

SERIES = [("rover-1", "battery.voltage"), ("rover-1", "core.temp"), ("rover-2", "link")]
OLD = datetime(2020, 1, 1, tzinfo=UTC)


def _retention(settings: Settings, **extra: object) -> Settings:
    return settings.model_copy(
        update={
            "retention_raw": timedelta(days=30),
            "retention_rollup_10s": None,
            "retention_rollup_1m": None,
            "retention_rollup_10m": None,
            "retention_rollup_1h": None,
            **extra,
        }
    )


@pytest.fixture
async def sqlite_db(tmp_path: Path, settings: Settings) -> AsyncIterator[tuple[Database, Settings]]:
    """A migrated SQLite file store of its own (WAL), whatever this run's store."""
    from alembic import command

    url = f"sqlite+aiosqlite:///{tmp_path / 'prune.db'}"
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")
    config = _retention(settings, database_url=url, prune_batch_rows=len(SERIES) * 2)
    db = Database.from_settings(config)
    try:
        yield db, config
    finally:
        await db.dispose()


async def _insert(db: Database, rows: list[tuple[str, str, datetime]]) -> None:
    async with UnitOfWork(db, None) as uow:
        session = await uow.begin()
        await session.execute(
            text(
                "INSERT INTO telemetry_samples (source, metric, value, ts, received_at) "
                "VALUES (:source, :metric, 1.0, :ts, :ts)"
            ),
            [{"source": s, "metric": m, "ts": sqlite_text(ts)} for s, m, ts in rows],
        )
        await session.execute(
            text(
                "INSERT OR IGNORE INTO metric_latest (source, metric, value, ts, last_seen_at, "
                "sample_count, stale) VALUES (:source, :metric, 1.0, :ts, :ts, 1, 0)"
            ),
            [{"source": s, "metric": m, "ts": sqlite_text(ts)} for s, m, ts in rows],
        )


async def _ids(db: Database) -> list[int]:
    async with db.readers() as session:
        ids = await session.execute(text("SELECT id FROM telemetry_samples ORDER BY id"))
        return list(ids.scalars())


async def test_sqlite_raw_batches_take_consecutive_rows(
    sqlite_db: tuple[Database, Settings],
) -> None:
    """Samples of several series arrive interleaved; each raw batch removes the oldest
    rows by rowid (every series' share), not one series' rows spread over the table. A
    sample weeks late (old time, inserted after new ones) still goes."""
    db, config = sqlite_db
    now = utcnow()
    old = [(s, m, OLD + timedelta(seconds=i)) for i in range(10) for s, m in SERIES]
    await _insert(db, old)
    await _insert(db, [(s, m, now - timedelta(seconds=i)) for i in range(4) for s, m in SERIES])
    await _insert(db, [(*SERIES[1], OLD)])  # late: old time, the highest id
    every = await _ids(db)
    size = config.prune_batch_rows
    left: list[list[int]] = []

    async def progress(removal: Removal) -> None:
        if removal.batches <= 3:
            left.append(await _ids(db))

    result = await prune(db, config, now=now, progress=progress)

    # After batch k, the k * size lowest ids are gone, whatever series they belong to.
    for k, ids in enumerate(left, start=1):
        assert ids == every[k * size :]
    assert result.rows == len(old) + 1
    assert await _ids(db) == every[len(old) : -1]  # the new rows stay, the late one went


async def test_sqlite_checkpoints_between_batches_off_the_writer(
    sqlite_db: tuple[Database, Settings],
) -> None:
    """What a batch wrote to the WAL is checkpointed before the next batch, without the
    writer: a commit that crosses the 1,000-page autocheckpoint does it under the writer."""
    db, config = sqlite_db
    await _insert(db, [(s, m, OLD + timedelta(seconds=i)) for i in range(10) for s, m in SERIES])
    seen: list[tuple[str, bool]] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        kind = "checkpoint" if "wal_checkpoint" in statement else statement.split()[0].lower()
        seen.append((kind, db._write_lock.locked()))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    result = await prune(db, config, now=utcnow())
    event.remove(db.engine.sync_engine, "before_cursor_execute", record)

    deletes = [held for kind, held in seen if kind == "delete"]
    checkpoints = [held for kind, held in seen if kind == "checkpoint"]
    assert len(deletes) == result.batches >= 5
    assert all(deletes)  # each DELETE under the writer
    assert len(checkpoints) == result.batches  # one after every batch that removed rows
    assert not any(checkpoints)  # none under it
    order = [kind for kind, _ in seen if kind in ("delete", "checkpoint")]
    assert order == ["delete", "checkpoint"] * result.batches


async def test_a_dropped_day_is_counted_outside_the_dropping_transaction(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, settings: Settings
) -> None:
    """PostgreSQL: the DROP's transaction runs nothing but the drop; the day's rows are
    counted before it, in a read of its own, and reported. SQLite has no days to count."""
    now = utcnow()
    day = (now - timedelta(days=40)).date()
    start = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    samples = [sample(float(i), ts=start + timedelta(minutes=i)) for i in range(12)]
    assert (await ingest(client, auth_headers, samples)).status_code == 202
    config = _retention(settings)
    created = await store_for(db, config).prepare(start)  # that day's partitions, as 40 days ago
    try:
        statements: list[tuple[str, str | None, int]] = []

        def record(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            level = conn.get_execution_options().get("isolation_level")
            statements.append((statement.strip(), level, id(conn.connection.dbapi_connection)))

        event.listen(db.engine.sync_engine, "before_cursor_execute", record)
        result = await prune(db, config, now=now)
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)

        raw = result.removals[0]
        assert raw.rows == 12
        if store_kind() == "sqlite":
            assert raw.partitions == []
            assert raw.counting_s == 0.0
            return
        name = f"telemetry_samples_p{day:%Y%m%d}"
        assert name in raw.partitions  # (with the empty days around it that prepare made)
        assert raw.counting_s > 0.0
        count = next(s for s in statements if s[0] == f"SELECT count(*) FROM {name}")
        drop = statements.index(next(s for s in statements if s[0] == f"DROP TABLE {name}"))
        assert count[1] == "AUTOCOMMIT"  # a read of its own, no transaction
        # The drop's transaction: from its BEGIN-less start (the SET LOCAL) to the DROP.
        assert statements[drop - 1][0].startswith("SET LOCAL lock_timeout")
        assert statements[drop - 1][1] != "AUTOCOMMIT"
        assert statements[drop - 1][2] == statements[drop][2]
    finally:
        # The days prepare made would outlive the test (the run shares one store; a test's
        # clean-up empties tables, it does not drop them) and change what later tests create.
        async with UnitOfWork(db, None) as uow:
            session = await uow.begin()
            for table in created:
                await session.execute(text(f"DROP TABLE IF EXISTS {table}"))
