"""Migrations apply and roll back cleanly on this run's store."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import inspect

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
