"""The driver connection under a session, for raw statements that must still belong to the
session's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


async def driver_connection(session: AsyncSession) -> Any:
    """The session's driver connection (asyncpg or aiosqlite), with its transaction begun.

    SQLAlchemy's asyncpg adapter sends BEGIN lazily, just before its own first statement;
    a raw statement sent before that runs outside any transaction and commits on its own.
    That once left a failed batch half-stored and made `FOR UPDATE` lock nothing, whenever
    a unit's first statement was a raw one. So the adapter's transaction is begun here,
    under its own statement mutex, exactly as its cursor would begin it; SQLAlchemy then
    commits or rolls it back as usual. (A session in AUTOCOMMIT, such as the read
    sessions, begins nothing.) On SQLite the driver itself begins a transaction before
    the first write, and the writer lock serializes writers.
    """
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    adapted: Any = raw.dbapi_connection
    start = getattr(adapted, "_start_transaction", None)
    if start is not None and adapted._transaction is None:
        async with adapted._execute_mutex:
            if adapted._transaction is None:
                await start()  # a no-op in AUTOCOMMIT
    return raw.driver_connection
