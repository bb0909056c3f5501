"""The unit of work: its outbox leaves after the commit, exactly once and in order; a
rolled-back unit sends nothing; the writer is held only between begin and the end."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.models import TimelineEvent
from chiron.stream.messages import Encoded
from chiron.timeline import service as timeline
from chiron.uow import UnitOfWork


@dataclass
class RecordingBus:
    """A bus that remembers what it was given, and whether the data was committed then."""

    db: Database
    name: str = "recording"

    def __post_init__(self) -> None:
        self.published: list[tuple[str, bytes, int]] = []

    async def publish(self, event: str, data: bytes) -> str:
        async with self.db.readers() as session:
            stored = int(await session.scalar(select(func.count()).select_from(TimelineEvent)) or 0)
        self.published.append((event, data, stored))
        return f"1-{len(self.published)}"


async def _note(uow: UnitOfWork, title: str) -> None:
    await timeline.record(uow, kind="note", severity="info", title=title, ts=utcnow())


async def test_messages_leave_after_the_commit_in_order(db: Database) -> None:
    bus = RecordingBus(db)
    async with UnitOfWork(db, bus) as uow:  # type: ignore[arg-type]
        await _note(uow, "first")
        uow.publish(Encoded("samples", b"{}"))
        await _note(uow, "second")
        assert bus.published == []  # nothing before the commit
    assert [e for e, _, _ in bus.published] == ["timeline", "samples", "timeline"]
    assert b"first" in bus.published[0][1]
    assert b"second" in bus.published[2][1]
    assert {stored for _, _, stored in bus.published} == {2}  # both rows committed first
    assert uow.last_event_id == "1-3"
    assert await uow.commit() == "1-3"  # committing again sends nothing more
    assert len(bus.published) == 3


async def test_a_rolled_back_unit_sends_nothing(db: Database) -> None:
    bus = RecordingBus(db)

    class Boom(Exception):
        pass

    async def fail() -> None:
        async with UnitOfWork(db, bus) as uow:  # type: ignore[arg-type]
            await _note(uow, "lost")
            uow.publish(Encoded("samples", b"{}"))
            raise Boom

    with pytest.raises(Boom):
        await fail()
    assert bus.published == []
    async with db.readers() as session:
        assert await session.scalar(select(func.count()).select_from(TimelineEvent)) == 0


async def test_after_commit_callbacks_run_once_the_data_is_durable(db: Database) -> None:
    seen: list[int] = []

    async def count() -> None:
        async with db.readers() as session:
            seen.append(
                int(await session.scalar(select(func.count()).select_from(TimelineEvent)) or 0)
            )

    async def broken() -> None:
        raise RuntimeError("a failing callback is logged, not raised")

    async with UnitOfWork(db, None) as uow:
        await _note(uow, "x")
        uow.after_commit(broken)
        uow.after_commit(count)
    assert seen == [1]


async def test_a_rollback_inside_the_unit_forgets_and_begins_again(db: Database) -> None:
    bus = RecordingBus(db)
    async with UnitOfWork(db, bus) as uow:  # type: ignore[arg-type]
        await _note(uow, "undone")
        await uow.rollback()
        await _note(uow, "kept")
    assert [e for e, _, _ in bus.published] == ["timeline"]
    assert b"kept" in bus.published[0][1]


async def test_the_writer_is_held_from_begin_to_the_end(db: Database) -> None:
    # On SQLite the writer is a process-wide lock; on PostgreSQL `writer()` is a no-op and
    # the transaction's row locks do that work.
    lock = db._write_lock
    uow = UnitOfWork(db, None)
    assert not uow.active
    assert not lock.locked()
    await uow.begin()
    assert uow.active
    assert lock.locked() == db.is_sqlite
    await uow.commit()
    assert not uow.active
    assert not lock.locked()
    with pytest.raises(RuntimeError):
        await uow.begin()  # a committed unit is finished


async def test_a_periodic_job_that_fails_sends_nothing_and_the_next_still_runs(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from chiron import uow as uow_module

    bus = RecordingBus(db)

    async def failing(uow: UnitOfWork) -> None:
        await _note(uow, "half done")
        raise RuntimeError("store hiccup")

    async def working(uow: UnitOfWork) -> None:
        await _note(uow, "done")

    async def stop(_: float) -> None:
        raise asyncio.CancelledError

    monkeypatch.setattr(uow_module.asyncio, "sleep", stop)
    with pytest.raises(asyncio.CancelledError):
        await uow_module.run_periodically(db, bus, 1.0, [failing, working], failed="job_failed")  # type: ignore[arg-type]
    assert [e for e, _, _ in bus.published] == ["timeline"]
    assert b"done" in bus.published[0][1]
    assert bus.published[0][2] == 1  # the failed job's note was rolled back
