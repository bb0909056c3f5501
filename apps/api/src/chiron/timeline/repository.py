"""Every query of timeline events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, select

from chiron.kit.repository import Repository
from chiron.models import TimelineEvent


class TimelineRepository(Repository):
    async def add(self, event: TimelineEvent) -> TimelineEvent:
        self.session.add(event)
        await self.session.flush()
        return event

    async def page(
        self, limit: int, before: tuple[datetime, int] | None
    ) -> Sequence[TimelineEvent]:
        statement = select(TimelineEvent).order_by(TimelineEvent.ts.desc(), TimelineEvent.id.desc())
        if before is not None:
            ts, event_id = before
            statement = statement.where(
                or_(
                    TimelineEvent.ts < ts, and_(TimelineEvent.ts == ts, TimelineEvent.id < event_id)
                )
            )
        result = await self.session.scalars(statement.limit(limit))
        return result.all()

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
