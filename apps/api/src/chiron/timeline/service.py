"""Timeline rules: recording events (each announced on the stream once committed) and the
opaque newest-first cursor."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import TYPE_CHECKING

from chiron.errors import InvalidInput
from chiron.kit.time import as_utc, utcnow
from chiron.models import TimelineEvent
from chiron.timeline.repository import TimelineRepository
from chiron.timeline.schemas import (
    Severity,
    TimelineEventCreate,
    TimelineEventOut,
    TimelinePage,
    TimelinePayload,
)
from chiron.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def encode_cursor(event: TimelineEvent) -> str:
    raw = f"{as_utc(event.ts).isoformat()}|{event.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        ts_text, _, id_text = base64.urlsafe_b64decode(padded).decode().partition("|")
        return as_utc(datetime.fromisoformat(ts_text)), int(id_text)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            "The cursor is not valid", code="invalid_cursor", details={"before": cursor}
        ) from None


async def record(
    uow: UnitOfWork,
    *,
    kind: str,
    severity: Severity,
    title: str,
    body: str = "",
    gate_slug: str | None = None,
    source: str | None = None,
    ts: datetime | None = None,
) -> TimelineEventOut:
    """Add an event to the unit's transaction; the stream hears of it after the commit."""
    event = TimelineEvent(
        ts=ts or utcnow(),
        kind=kind,
        severity=severity,
        title=title,
        body=body,
        gate_slug=gate_slug,
        source=source,
    )
    await TimelineRepository(await uow.begin()).add(event)
    out = TimelineEventOut.model_validate(event)
    uow.publish(TimelinePayload(event=out))
    return out


async def create(uow: UnitOfWork, data: TimelineEventCreate) -> TimelineEventOut:
    return await record(uow, **data.model_dump())


async def page(session: AsyncSession, limit: int, before: str | None) -> TimelinePage:
    cursor = decode_cursor(before) if before else None
    rows = await TimelineRepository(session).page(limit + 1, cursor)
    items = list(rows[:limit])
    next_cursor = encode_cursor(items[-1]) if len(rows) > limit and items else None
    return TimelinePage(
        items=[TimelineEventOut.model_validate(e) for e in items], next_cursor=next_cursor
    )
