"""Alembic environment: async engine from Chiron's settings, metadata from its models."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from chiron.config import get_settings
from chiron.db import create_engine
from chiron.models import Base
from chiron.models.sample import is_sample_partition

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def _include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Autogenerate compares the models, not PostgreSQL's daily sample partitions."""
    return not (type_ == "table" and is_sample_partition(name))


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    # Batch mode lets ALTERs work on SQLite as well.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    settings = get_settings().model_copy(update={"database_url": _url()})
    engine = create_engine(settings)
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
        return
    asyncio.run(run_async_migrations())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
