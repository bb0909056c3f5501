"""Engine, sessions and the SQLite writer lock.

Writes go through the unit of work (`chiron.uow`), which commits or rolls back; services
and repositories only flush. SQLite gets WAL, a busy timeout and one writer at a time per
process, so concurrent writes queue instead of failing.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, PoolResetState

from chiron.config import Settings


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_reset(
    dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry, state: PoolResetState
) -> None:
    """Roll back a connection returned to the pool with a transaction still open.

    The pool's own reset rolls back every connection it gets back: one more call into
    SQLite's thread after every commit, made while the writer still holds the write lock.
    Here every unit of work ends with a commit or a rollback, and reads open no
    transaction (the driver begins one before a write only), so this is rarely needed.
    """
    if state.terminate_only or not state.asyncio_safe:
        return
    driver = record.driver_connection
    if driver is not None and driver.in_transaction:
        dbapi_connection.rollback()


def _ensure_sqlite_dir(url: str) -> None:
    from pathlib import Path

    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def create_engine(settings: Settings) -> AsyncEngine:
    if settings.is_sqlite:
        _ensure_sqlite_dir(settings.database_url)
        engine = create_async_engine(
            settings.database_url, connect_args={"timeout": 30}, pool_reset_on_return=None
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine.pool, "reset", _sqlite_reset)
        return engine
    return create_async_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_pool_size,
        # Optimistic disconnect handling: a pre-ping costs three round trips per checkout
        # on asyncpg (BEGIN, ping, ROLLBACK). A connection found dead fails its request as
        # a 503 with Retry-After, and SQLAlchemy then discards every pooled connection, so
        # the next request reconnects (tests/test_health.py kills the pool's backends).
        pool_pre_ping=False,
        pool_recycle=1800,
        pool_timeout=10,
        connect_args={"timeout": 5, "command_timeout": 30},
    )


@dataclass
class Database:
    """The store a process talks to: engine, sessions and the write serializer."""

    engine: AsyncEngine
    is_sqlite: bool
    sessionmaker: async_sessionmaker[AsyncSession] = field(init=False)
    readers: async_sessionmaker[AsyncSession] = field(init=False)
    _write_lock: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)
    # Called by every unit of work that has stream messages, inside its transaction just
    # before the commit, with (unit of work, messages): how notifications join the change
    # they announce (chiron.notify registers one in the app's lifespan).
    commit_hooks: list[Callable[..., Awaitable[None]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # Reads that do not need one snapshot across statements skip BEGIN and COMMIT (two
        # round trips) on PostgreSQL. On SQLite switching modes per checkout costs more.
        reading = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self.readers = async_sessionmaker(reading, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(create_engine(settings), settings.is_sqlite)

    @contextlib.asynccontextmanager
    async def writer(self) -> AsyncIterator[None]:
        """Serialize writers on SQLite (one at a time per process); a no-op on PostgreSQL.
        Taken by the unit of work (`chiron.uow`), the one way to write."""
        if not self.is_sqlite:
            yield
            return
        async with self._write_lock:
            yield

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


# SQLSTATE classes that mean the server cannot serve now, whatever the statement: connection
# exceptions (08), operator intervention (57: shutting down, "the database system is starting
# up"), insufficient resources (53: disk full, too many connections), system errors (58).
_OUTAGE_SQLSTATE_CLASSES = ("08", "57", "53", "58")
# disk_full, io_error, read_only_sql_transaction (a failover left us on a standby).
_CANNOT_WRITE_SQLSTATES = frozenset({"53100", "58030", "25006"})
_CANNOT_WRITE_SQLITE = ("SQLITE_FULL", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN")


def _driver_outage(exc: BaseException) -> bool:
    """A driver's own exception (raw asyncpg on the bulk paths, or what SQLAlchemy wrapped)
    that says the server is gone, going or not back yet."""
    if isinstance(exc, OSError | ConnectionError | asyncio.TimeoutError):
        return True
    import asyncpg

    # "connection is closed" and its kin; and a connection whose protocol state was left
    # broken when the server died under it ("another operation is in progress").
    if isinstance(exc, asyncpg.InterfaceError | asyncpg.exceptions._base.InternalClientError):
        return True
    # What SQLAlchemy would wrap as OperationalError (locked, disk full, cannot open), raw
    # from the bulk statements on the driver connection.
    if isinstance(exc, sqlite3.OperationalError):
        return True
    sqlstate = getattr(exc, "sqlstate", None)
    if not isinstance(sqlstate, str):
        return False
    return sqlstate[:2] in _OUTAGE_SQLSTATE_CLASSES or sqlstate in _CANNOT_WRITE_SQLSTATES


def store_cannot_write(exc: BaseException) -> bool:
    """The store refused a write for want of disk (full, read-only, failing): reads may still
    work, so a `SELECT 1` readiness probe would not notice."""
    origin = exc.orig if isinstance(exc, DBAPIError) else exc
    for cause in _causes(origin):
        if getattr(cause, "sqlstate", None) in _CANNOT_WRITE_SQLSTATES:
            return True
        name = getattr(cause, "sqlite_errorname", None)
        if isinstance(name, str) and name.startswith(_CANNOT_WRITE_SQLITE):
            return True
    return False


def _causes(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and len(seen) < 8 and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def is_store_outage(exc: BaseException) -> bool:
    """Connection-level failures of the store, as opposed to bad queries: the server died
    under a statement, is restarting, refuses connections, or cannot write."""
    if isinstance(exc, InterfaceError | OperationalError):
        return True
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or any(_driver_outage(e) for e in _causes(exc.orig))
    return any(_driver_outage(e) for e in _causes(exc))
