"""Every query of the operator log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, func, or_, select

from chiron.kit.repository import Repository
from chiron.log.schemas import LogFilter
from chiron.models import LogEntry, LogEntryEdit, LogEntryTag


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _criteria(where: LogFilter) -> list[ColumnElement[bool]]:
    entry = LogEntry
    criteria: list[ColumnElement[bool]] = []
    if where.start is not None:
        criteria.append(entry.at >= where.start)
    if where.end is not None:
        criteria.append(entry.at <= where.end)
    if where.q:
        criteria.append(entry.body.ilike(_like(where.q), escape="\\"))
    if where.tag:
        criteria.append(
            select(LogEntryTag.entry_id)
            .where(LogEntryTag.entry_id == entry.id, LogEntryTag.tag == where.tag)
            .exists()
        )
    if where.author:
        criteria.append(
            or_(
                entry.author_subject == where.author,
                func.lower(entry.author_name) == where.author.lower(),
            )
        )
    return criteria


class LogRepository(Repository):
    async def add(self, entry: LogEntry) -> LogEntry:
        self.session.add(entry)
        await self.session.flush()
        await self.set_tags(entry.id, entry.tags)
        return entry

    async def set_tags(self, entry_id: int, tags: Sequence[str]) -> None:
        await self.session.execute(delete(LogEntryTag).where(LogEntryTag.entry_id == entry_id))
        self.session.add_all(LogEntryTag(entry_id=entry_id, tag=tag) for tag in tags)
        await self.session.flush()

    async def get(self, entry_id: int, *, for_update: bool = False) -> LogEntry | None:
        statement = select(LogEntry).where(LogEntry.id == entry_id)
        if for_update:
            statement = statement.with_for_update()
        result: LogEntry | None = await self.session.scalar(statement)
        return result

    async def add_edit(self, edit: LogEntryEdit) -> None:
        self.session.add(edit)
        await self.session.flush()

    async def edits(self, entry_ids: Sequence[int]) -> Sequence[LogEntryEdit]:
        if not entry_ids:
            return []
        result = await self.session.scalars(
            select(LogEntryEdit)
            .where(LogEntryEdit.entry_id.in_(entry_ids))
            .order_by(LogEntryEdit.id)
        )
        return result.all()

    async def page(
        self, limit: int, before: tuple[datetime, int] | None, where: LogFilter
    ) -> Sequence[LogEntry]:
        statement = (
            select(LogEntry)
            .where(*_criteria(where))
            .order_by(LogEntry.at.desc(), LogEntry.id.desc())
        )
        if before is not None:
            at, entry_id = before
            statement = statement.where(
                or_(LogEntry.at < at, and_(LogEntry.at == at, LogEntry.id < entry_id))
            )
        result = await self.session.scalars(statement.limit(limit))
        return result.all()
