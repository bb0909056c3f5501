"""Timeline rules: recording events (each announced on the stream once committed) and the
opaque newest-first cursor."""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chiron.auth.principal import Actor
from chiron.config import Settings
from chiron.errors import InvalidInput
from chiron.kit.time import as_utc, clock_window, utcnow
from chiron.models import TimelineEvent
from chiron.timeline.repository import TimelineRepository
from chiron.timeline.schemas import (
    Severity,
    TimelineEventCreate,
    TimelineEventOut,
    TimelineFilter,
    TimelinePage,
    TimelinePayload,
)
from chiron.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def encode_key(ts: datetime, row_id: int) -> str:
    """The opaque newest-first cursor for a (time, id) key (also the operator log's)."""
    raw = f"{as_utc(ts).isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def encode_cursor(event: TimelineEvent) -> str:
    return encode_key(event.ts, event.id)


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
    attrs: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> TimelineEventOut:
    """Add an event to the unit's transaction; the stream hears of it after the commit.
    `attrs`: machine-readable facts kept with it (e.g. a gate transition's new status); an
    operator action names its `actor` (kept in the attrs too)."""
    if actor is not None:
        attrs = {**(attrs or {}), "actor": actor.as_dict()}
    event = TimelineEvent(
        ts=ts or utcnow(),
        kind=kind,
        severity=severity,
        title=title,
        body=body,
        gate_slug=gate_slug,
        source=source,
        attrs=attrs,
    )
    await TimelineRepository(await uow.begin()).add(event)
    out = TimelineEventOut.model_validate(event)
    uow.publish(TimelinePayload(event=out))
    return out


async def amend(
    uow: UnitOfWork, event_id: int, *, body: str, attrs: dict[str, Any]
) -> TimelineEventOut | None:
    """Rewrite an event's body and merge `attrs` (an edited log entry); the stream hears
    the event again, same id. None when there is no such event."""
    repo = TimelineRepository(await uow.begin())
    event = await repo.get(event_id)
    if event is None:
        return None
    event.body = body
    event.attrs = {**(event.attrs or {}), **attrs}
    await repo.flush()
    out = TimelineEventOut.model_validate(event)
    uow.publish(TimelinePayload(event=out))
    return out


async def create(
    uow: UnitOfWork, data: TimelineEventCreate, settings: Settings
) -> TimelineEventOut:
    now = utcnow()
    if data.ts is not None:
        # The samples' clock window: an event dated 9999 would sit first in the timeline
        # forever (it pages newest first).
        earliest, latest = clock_window(now, settings.future_tolerance_s, settings.max_age_days)
        if not earliest <= data.ts <= latest:
            raise InvalidInput(
                f"An event's ts must be within {settings.future_tolerance_s:.0f} s of the "
                f"server clock in the future and {settings.max_age_days} days in the past",
                details=[
                    {
                        "loc": ["body", "ts"],
                        "msg": "too far in the future" if data.ts > latest else "too old",
                        "type": "ts_in_future" if data.ts > latest else "ts_too_old",
                    }
                ],
            )
    return await record(uow, **data.model_dump(exclude={"ts"}), ts=data.ts or now)


async def page(
    session: AsyncSession, limit: int, before: str | None, where: TimelineFilter | None = None
) -> TimelinePage:
    """Newest first. The cursor is the last item's (ts, id), so a page never repeats or
    skips an event that was already there, whatever is inserted meanwhile."""
    cursor = decode_cursor(before) if before else None
    rows = await TimelineRepository(session).page(limit + 1, cursor, where)
    items = list(rows[:limit])
    next_cursor = encode_cursor(items[-1]) if len(rows) > limit and items else None
    return TimelinePage(
        items=[TimelineEventOut.model_validate(e) for e in items], next_cursor=next_cursor
    )


CSV_COLUMNS = ("id", "ts", "kind", "severity", "title", "body", "gate_slug", "source")


async def csv_rows(
    session: AsyncSession, before: str | None, where: TimelineFilter, chunk: int = 500
) -> AsyncIterator[tuple[object, ...]]:
    """Every event the filter keeps, newest first, read a chunk at a time (for CSV)."""
    cursor = decode_cursor(before) if before else None
    repo = TimelineRepository(session)
    while True:
        rows = await repo.page(chunk, cursor, where)
        for event in rows:
            out = TimelineEventOut.model_validate(event)
            yield tuple(getattr(out, column) for column in CSV_COLUMNS)
        if len(rows) < chunk:
            return
        cursor = (as_utc(rows[-1].ts), rows[-1].id)


async def last_for_gate(
    session: AsyncSession, gate_slug: str, kinds: tuple[str, ...], at: datetime
) -> TimelineEvent | None:
    """The gate's latest event of these kinds at or before `at` (for looking back)."""
    return await TimelineRepository(session).last_for_gate(gate_slug, kinds, at)
