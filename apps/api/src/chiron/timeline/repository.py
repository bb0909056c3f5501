"""Every query of timeline events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select

from chiron.kit.repository import Repository
from chiron.models import TimelineEvent
from chiron.timeline.schemas import TimelineFilter


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _criteria(where: TimelineFilter) -> list[ColumnElement[bool]]:
    event = TimelineEvent
    criteria: list[ColumnElement[bool]] = []
    if where.start is not None:
        criteria.append(event.ts >= where.start)
    if where.end is not None:
        criteria.append(event.ts <= where.end)
    if where.kinds:
        criteria.append(event.kind.in_(where.kinds))
    if where.severities:
        criteria.append(event.severity.in_(where.severities))
    if where.gate is not None:
        criteria.append(event.gate_slug == where.gate)
    if where.source is not None:
        criteria.append(event.source == where.source)
    if where.q:
        pattern = _like(where.q)
        criteria.append(
            or_(
                event.title.ilike(pattern, escape="\\"),
                event.body.ilike(pattern, escape="\\"),
            )
        )
    return criteria


class TimelineRepository(Repository):
    async def add(self, event: TimelineEvent) -> TimelineEvent:
        self.session.add(event)
        await self.session.flush()
        return event

    async def get(self, event_id: int) -> TimelineEvent | None:
        return await self.session.get(TimelineEvent, event_id)

    async def page(
        self,
        limit: int,
        before: tuple[datetime, int] | None,
        where: TimelineFilter | None = None,
    ) -> Sequence[TimelineEvent]:
        statement = select(TimelineEvent).order_by(TimelineEvent.ts.desc(), TimelineEvent.id.desc())
        if where is not None:
            statement = statement.where(*_criteria(where))
        if before is not None:
            ts, event_id = before
            statement = statement.where(
                or_(
                    TimelineEvent.ts < ts, and_(TimelineEvent.ts == ts, TimelineEvent.id < event_id)
                )
            )
        result = await self.session.scalars(statement.limit(limit))
        return result.all()

    async def last_for_gate(
        self, gate_slug: str, kinds: tuple[str, ...], at: datetime
    ) -> TimelineEvent | None:
        statement = (
            select(TimelineEvent)
            .where(
                TimelineEvent.gate_slug == gate_slug,
                TimelineEvent.kind.in_(kinds),
                TimelineEvent.ts <= at,
            )
            .order_by(TimelineEvent.ts.desc(), TimelineEvent.id.desc())
            .limit(1)
        )
        result: TimelineEvent | None = await self.session.scalar(statement)
        return result

    async def count_since(self, since: datetime) -> int:
        statement = self.statement(
            "count_events_since",
            lambda: (
                select(func.count())
                .select_from(TimelineEvent)
                .where(TimelineEvent.ts >= bindparam("since"))
            ),
        )
        count = await self.session.scalar(statement, {"since": since})
        return int(count or 0)
