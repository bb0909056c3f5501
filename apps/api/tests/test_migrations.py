"""Migrations apply and roll back cleanly on this run's store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import inspect, text

from chiron.cli import alembic_config
from chiron.config import Settings
from chiron.db import create_engine
from chiron.models import Base
from chiron.models.sample import is_sample_partition
from tests.fixtures.stores import create_pg_database, drop_pg_database, store_kind


async def _tables(url: str) -> set[str]:
    engine = create_engine(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return {n for n in names if not is_sample_partition(n)} - {"alembic_version"}


async def test_upgrade_downgrade_upgrade(tmp_path) -> None:  # type: ignore[no-untyped-def]
    if store_kind() == "postgres":
        name, url = await create_pg_database()
    else:
        name, url = "", f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}"
    try:
        config = alembic_config(url)
        await asyncio.to_thread(command.upgrade, config, "head")
        assert await _tables(url) == set(Base.metadata.tables)
        await asyncio.to_thread(command.downgrade, config, "base")
        assert await _tables(url) == set()
        await asyncio.to_thread(command.upgrade, config, "head")
        assert await _tables(url) == set(Base.metadata.tables)
    finally:
        if name:
            await drop_pg_database(name)


def test_models_and_migrations_agree(migrated: str) -> None:
    """Autogenerate finds nothing to add: the migrations describe the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    async def diff() -> list[object]:
        engine = create_engine(Settings(database_url=migrated, _env_file=None))  # type: ignore[call-arg]
        async with engine.connect() as conn:
            result = await conn.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(
                        c, opts={"include_name": lambda n, t, _: not is_sample_partition(n)}
                    ),
                    Base.metadata,
                )
            )
        await engine.dispose()
        return list(result)

    assert asyncio.run(diff()) == []


async def test_partitioning_the_samples_keeps_every_sample(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A store with data moves over to daily partitions (PostgreSQL) and back without
    losing or changing a sample; ids keep coming from the same sequence."""

    if store_kind() == "postgres":
        name, url = await create_pg_database()
    else:
        name, url = "", f"sqlite+aiosqlite:///{tmp_path / 'partitions.db'}"
    previous = "c3d9e5f7a1b2"
    now = datetime.now(UTC).replace(microsecond=0)
    # Today, last week, 3 years ago (no partition: the default one), next year (a day with
    # data gets its partition).
    times = [now, now - timedelta(days=7), now - timedelta(days=3 * 365), now + timedelta(days=365)]
    rows = [(f"rover-{i % 3}", "battery.voltage", float(i), times[i % 4]) for i in range(200)]
    engine = create_engine(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]

    async def snapshot() -> list[tuple[object, ...]]:
        async with engine.connect() as conn:
            result = await conn.execute(
                text("SELECT id, source, metric, value, ts FROM telemetry_samples ORDER BY id")
            )
            return [tuple(r) for r in result.all()]

    async def rollups() -> list[tuple[object, ...]]:
        async with engine.connect() as conn:
            result = await conn.execute(
                text(
                    "SELECT source, metric, resolution_s, bucket_start, min, max, sum, count "
                    "FROM sample_rollups ORDER BY 1, 2, 3, 4"
                )
            )
            return [tuple(r) for r in result.all()]

    try:
        config = alembic_config(url)
        await asyncio.to_thread(command.upgrade, config, previous)
        async with engine.begin() as conn:
            for source, metric, value, ts in rows:
                await conn.execute(
                    text(
                        "INSERT INTO telemetry_samples (source, metric, value, ts, received_at) "
                        "VALUES (:source, :metric, :value, :ts, :ts)"
                    ),
                    {"source": source, "metric": metric, "value": value, "ts": ts},
                )
            for res in (10, 60, 600, 3600, 86400):  # 86400: no resolution of today's
                for i, ts in enumerate(times):
                    await conn.execute(
                        text(
                            "INSERT INTO sample_rollups (source, metric, resolution_s, "
                            "bucket_start, min, max, sum, count) "
                            "VALUES ('rover-1', 'battery.voltage', :res, :ts, 1, 2, 3, :n)"
                        ),
                        {"res": res, "ts": ts, "n": i + 1},
                    )
        before = await snapshot()
        assert len(before) == len(rows)
        rollups_before = await rollups()
        assert len(rollups_before) == 20

        await asyncio.to_thread(command.upgrade, config, "head")
        assert await snapshot() == before
        assert await rollups() == rollups_before
        async with engine.begin() as conn:
            if store_kind() == "postgres":
                kind = await conn.scalar(
                    text("SELECT relkind::text FROM pg_class WHERE relname = 'telemetry_samples'")
                )
                assert kind == "p"  # partitioned
                in_default = await conn.scalar(
                    text("SELECT count(*) FROM telemetry_samples_default")
                )
                assert in_default == 50  # 3 years ago: older than the days given partitions
                today = await conn.scalar(
                    text(f"SELECT count(*) FROM telemetry_samples_p{now:%Y%m%d}")
                )
                assert today == 50
                in_r10 = await conn.scalar(
                    text(f"SELECT count(*) FROM sample_rollups_r10_p{now:%Y%m%d}")
                )
                assert in_r10 == 1
                elsewhere = await conn.scalar(text("SELECT count(*) FROM sample_rollups_rdefault"))
                assert elsewhere == 4  # the unknown resolution
                # Upserts still find their row across partitions (the key holds both keys).
                await conn.execute(
                    text(
                        "INSERT INTO sample_rollups AS r (source, metric, resolution_s, "
                        "bucket_start, min, max, sum, count) "
                        "VALUES ('rover-1', 'battery.voltage', 10, :ts, 0, 9, 1, 1) "
                        "ON CONFLICT (source, metric, resolution_s, bucket_start) "
                        "DO UPDATE SET count = r.count + excluded.count"
                    ),
                    {"ts": now},
                )
                assert (
                    await conn.scalar(
                        text(
                            "SELECT count FROM sample_rollups WHERE resolution_s = 10 "
                            "AND bucket_start = :ts"
                        ),
                        {"ts": now},
                    )
                    == 2
                )
                await conn.execute(
                    text(
                        "UPDATE sample_rollups SET count = 1 WHERE resolution_s = 10 "
                        "AND bucket_start = :ts"
                    ),
                    {"ts": now},
                )
            # A series query answers, and a new row takes the next id.
            week = await conn.scalar(
                text(
                    "SELECT count(*) FROM telemetry_samples WHERE source = 'rover-1' "
                    "AND metric = 'battery.voltage' AND ts >= :lo AND ts < :hi"
                ),
                {"lo": times[1] - timedelta(hours=1), "hi": times[1] + timedelta(hours=1)},
            )
            assert week == sum(1 for i in range(200) if i % 4 == 1 and i % 3 == 1)
            await conn.execute(
                text(
                    "INSERT INTO telemetry_samples (source, metric, value, ts, received_at) "
                    "VALUES ('rover-9', 'm', 1, :ts, :ts)"
                ),
                {"ts": now},
            )
        after = await snapshot()
        assert after[:-1] == before
        assert after[-1][0] > before[-1][0]  # type: ignore[operator]

        await asyncio.to_thread(command.downgrade, config, previous)
        assert await snapshot() == after
        assert await rollups() == rollups_before
        await asyncio.to_thread(command.upgrade, config, "head")
        assert await snapshot() == after
    finally:
        await engine.dispose()
        if name:
            await drop_pg_database(name)
