"""The unit of work: every write, from a request or a background job, goes through one.

It owns the SQLite writer lock, the transaction and an outbox. Domain code records what
the stream should hear (`publish`) and what should run once the data is durable
(`after_commit`); nothing leaves before the commit, everything leaves after it exactly
once and in order, and a rolled-back unit sends nothing. The database's commit hooks see
the messages inside the transaction (the notification outbox is written there). Modelled on polar's
request-owned session and its post-commit job queue.

    async with UnitOfWork(db, bus) as uow:      # a background job
        session = await uow.begin()
        ...
        uow.publish(message)

A request gets the same object from `deps.UnitOfWorkDep`, which commits when the endpoint
returns (before the response is sent) and rolls back when it raises. The writer lock and
the transaction start at `begin()`, not when the request arrives: a request parses and
validates its body without holding the store's one writer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Self

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from chiron.db import Database
from chiron.kit.tasks import cancel_requested
from chiron.stream.bus import Bus
from chiron.stream.messages import Message
from chiron.stream.publisher import publish_all

log = structlog.get_logger("chiron.uow")

AfterCommit = Callable[[], Awaitable[None]]


class UnitOfWork:
    def __init__(self, db: Database, bus: Bus | None) -> None:
        self.db = db
        self.bus = bus
        self.last_event_id: str | None = None
        self.sent: list[Message] = []  # what the commit handed to the bus, in order
        self._session: AsyncSession | None = None
        self._lock: contextlib.AbstractAsyncContextManager[None] | None = None
        self._outbox: list[Message] = []
        self._after_commit: list[AfterCommit] = []
        self._committed = False

    @property
    def session(self) -> AsyncSession:
        """The transaction's session; `begin()` first."""
        if self._session is None:
            raise RuntimeError("UnitOfWork.begin() was not called")
        return self._session

    @property
    def active(self) -> bool:
        return self._session is not None

    async def begin(self) -> AsyncSession:
        """Take the writer (SQLite: one per process) and open the transaction; idempotent."""
        if self._session is not None:
            return self._session
        if self._committed:
            raise RuntimeError("this unit of work is already committed")
        lock = self.db.writer()
        await lock.__aenter__()
        self._lock = lock
        self._session = self.db.sessionmaker()
        return self._session

    def publish(self, message: Message) -> None:
        """Send `message` on the stream once this unit commits (in the order recorded)."""
        self._outbox.append(message)

    def after_commit(self, callback: AfterCommit) -> None:
        """Run `callback` once the commit is durable (e.g. wake a notification sender).
        A failing callback is logged; the data is already stored."""
        self._after_commit.append(callback)

    async def commit(self) -> str | None:
        """Commit, release the writer, then publish the outbox in order and run the
        after-commit callbacks. Returns the bus position of the last message published
        (None when nothing was). Nothing to commit is not an error."""
        if self._committed:
            return self.last_event_id
        if self._outbox and self.db.commit_hooks:
            # In the transaction (a hook that writes `begin()`s it if nothing else did):
            # what the hooks write commits, or rolls back, with the rest.
            messages = tuple(self._outbox)
            try:
                for hook in self.db.commit_hooks:
                    await hook(self, messages)
            except BaseException:
                await self.rollback()
                raise
        session = self._session
        if session is not None:
            try:
                await session.commit()
            except BaseException:
                await self._end(rollback=True)
                raise
            await self._end(rollback=False)
        self._committed = True
        outbox, self._outbox = self._outbox, []
        if outbox and self.bus is not None:  # no bus: nothing listens (the CLI)
            self.last_event_id = await publish_all(self.bus, outbox)
            self.sent = outbox
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            try:
                await callback()
            except Exception as exc:  # noqa: BLE001 - committed data stays committed
                log.warning("after_commit_failed", error=type(exc).__name__)
        return self.last_event_id

    async def rollback(self) -> None:
        """Undo everything and forget the outbox; the unit can `begin()` again (a retry
        inside the same request, such as an idempotency race)."""
        self._outbox.clear()
        self._after_commit.clear()
        if self._session is not None:
            await self._end(rollback=True)

    async def _end(self, *, rollback: bool) -> None:
        session, self._session = self._session, None
        lock, self._lock = self._lock, None
        try:
            if session is not None:
                try:
                    if rollback:
                        await session.rollback()
                finally:
                    await session.close()
        finally:
            if lock is not None:
                await lock.__aexit__(None, None, None)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            await self.commit()
        else:
            await self.rollback()


Job = Callable[["UnitOfWork"], Awaitable[object]]


async def run_periodically(
    db: Database, bus: Bus, interval_s: float, jobs: Sequence[Job], *, failed: str
) -> None:
    """Every `interval_s`, each job in a unit of work of its own, in order. Every replica
    runs its jobs; each job's own claims make what it does happen once. A failing job is
    logged as `failed` and the others still run."""
    while True:
        for job in jobs:
            try:
                async with UnitOfWork(db, bus) as uow:
                    await job(uow)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if cancel_requested():
                    raise asyncio.CancelledError from exc
                log.warning(
                    failed, job=getattr(job, "__name__", repr(job)), error=type(exc).__name__
                )
        await asyncio.sleep(interval_s)
