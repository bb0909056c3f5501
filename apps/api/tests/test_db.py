"""The store's units of work: what a connection carries back to the pool."""

from __future__ import annotations

from sqlalchemy import func, select

from chiron.db import Database
from chiron.kit.driver import driver_connection
from chiron.kit.time import utcnow
from chiron.models import TimelineEvent
from chiron.timeline import service as timeline
from chiron.uow import UnitOfWork


async def _events(db: Database) -> int:
    async with db.readers() as session:
        return int(await session.scalar(select(func.count()).select_from(TimelineEvent)) or 0)


async def _note(db: Database, title: str) -> None:
    async with UnitOfWork(db, None) as uow:
        await timeline.record(uow, kind="note", severity="info", title=title, ts=utcnow())


async def _check_clean_slate(db: Database) -> None:
    assert await _events(db) == 0
    for n in range(3):  # the pool hands back the same connection: each sees a clean slate
        await _note(db, f"kept {n}")
    assert await _events(db) == 3
    async with db.readers() as session:
        titles = set(await session.scalars(select(TimelineEvent.title)))
    assert titles == {"kept 0", "kept 1", "kept 2"}


async def test_a_session_closed_mid_transaction_leaves_nothing(db: Database) -> None:
    # A write left uncommitted when its session closes must not survive on the pooled
    # connection: not committed later by the next unit of work on it, and not holding
    # SQLite's write lock.
    uow = UnitOfWork(db, None)
    await timeline.record(uow, kind="note", severity="info", title="lost", ts=utcnow())
    await uow._end(rollback=False)  # the session closed with neither commit nor rollback
    await _check_clean_slate(db)


async def test_a_connection_returned_with_a_driver_transaction_is_rolled_back(
    db: Database,
) -> None:
    # SQLite's pool resets through a hook that skips the rollback after a commit (see
    # chiron.db). A transaction the engine did not begin, such as the driver's implicit
    # one, must still be rolled back when the connection goes back to the pool.
    if not db.is_sqlite:
        # PostgreSQL keeps the pool's rollback. The transaction at risk there is the one
        # kit.driver begins for raw statements: they must belong to it (not autocommit),
        # so a session closed without a commit leaves nothing behind.
        session = db.sessionmaker()
        driver = await driver_connection(session)
        await driver.execute(
            "INSERT INTO timeline_events (ts, kind, severity, title, body) "
            "VALUES ('2026-01-01 00:00:00+00', 'note', 'info', 'lost', '')"
        )
        await session.close()
        await _check_clean_slate(db)
        return
    async with db.writer(), db.engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.execute("BEGIN")
        await driver.execute(
            "INSERT INTO timeline_events (ts, kind, severity, title, body) "
            "VALUES ('2026-01-01 00:00:00.000000', 'note', 'info', 'lost', '')"
        )
    await _check_clean_slate(db)


async def test_a_failed_unit_of_work_leaves_nothing(db: Database) -> None:
    class Boom(Exception):
        pass

    try:
        async with UnitOfWork(db, None) as uow:
            await timeline.record(uow, kind="note", severity="info", title="x", ts=utcnow())
            raise Boom
    except Boom:
        pass
    await _note(db, "after")
    assert await _events(db) == 1
