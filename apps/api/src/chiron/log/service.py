"""Operator log rules: the author is the credential's actor, an entry is a timeline event
(kind `log`), the author may edit it for 15 minutes (each edit keeps what it replaced),
then it is locked."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chiron.auth.principal import Actor
from chiron.config import Settings
from chiron.errors import Conflict, Forbidden, InvalidInput, NotFound
from chiron.kit.time import as_utc, clock_window, utcnow
from chiron.log.repository import LogRepository
from chiron.log.schemas import (
    EDIT_WINDOW_S,
    LogEditOut,
    LogEntryCreate,
    LogEntryEdit,
    LogEntryOut,
    LogFilter,
    LogPage,
    LogPayload,
    LogRangeOut,
)
from chiron.models import LogEntry
from chiron.models import LogEntryEdit as LogEntryEditRow
from chiron.timeline import service as timeline
from chiron.timeline.service import decode_cursor
from chiron.uow import UnitOfWork

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

EDIT_WINDOW = timedelta(seconds=EDIT_WINDOW_S)


def _tags(tags: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(tag.lower() for tag in tags))


def _title(actor: Actor, body: str) -> str:
    first = body.strip().splitlines()[0] if body.strip() else ""
    title = f"{actor.label()}: {first}"
    return title if len(title) <= 200 else title[:199] + "…"


def schema(entry: LogEntry, edits: Sequence[LogEntryEditRow] = ()) -> LogEntryOut:
    created = as_utc(entry.created_at)
    return LogEntryOut(
        id=entry.id,
        at=entry.at,
        created_at=created,
        edited_at=entry.edited_at,
        locked_at=created + EDIT_WINDOW,
        body=entry.body,
        tags=list(entry.tags),
        gate=entry.gate_slug,
        source=entry.source,
        range=(
            None
            if entry.range_from is None or entry.range_to is None
            else LogRangeOut(from_=entry.range_from, to=entry.range_to)
        ),
        author=entry.author,
        event_id=entry.event_id,
        edits=[
            LogEditOut(
                edited_at=e.edited_at,
                editor=e.editor,
                body=e.body,
                tags=list(e.tags),
            )
            for e in edits
        ],
    )


def _check_at(at: datetime, now: datetime, settings: Settings) -> None:
    earliest, latest = clock_window(now, settings.future_tolerance_s, settings.max_age_days)
    if not earliest <= at <= latest:
        raise InvalidInput(
            f"An entry's `at` must be within {settings.future_tolerance_s:.0f} s of the "
            f"server clock in the future and {settings.max_age_days} days in the past",
            details=[
                {
                    "loc": ["body", "at"],
                    "msg": "too far in the future" if at > latest else "too old",
                    "type": "ts_in_future" if at > latest else "ts_too_old",
                }
            ],
        )


async def create(
    uow: UnitOfWork, data: LogEntryCreate, actor: Actor, settings: Settings
) -> LogEntryOut:
    now = utcnow()
    at = data.at or now
    _check_at(at, now, settings)
    tags = _tags(data.tags)
    entry = LogEntry(
        at=at,
        created_at=now,
        body=data.body,
        tags=tags,
        gate_slug=data.gate,
        source=data.source,
        range_from=data.range.from_ if data.range else None,
        range_to=data.range.to if data.range else None,
        author=actor.as_dict(),
        author_subject=actor.subject,
        author_name=actor.name,
    )
    repo = LogRepository(await uow.begin())
    await repo.add(entry)
    event = await timeline.record(
        uow,
        kind="log",
        severity="info",
        title=_title(actor, data.body),
        body=data.body,
        gate_slug=data.gate,
        source=data.source,
        ts=at,
        attrs={"log_id": entry.id, "tags": tags},
        actor=actor,
    )
    entry.event_id = event.id
    await repo.flush()
    out = schema(entry)
    uow.publish(LogPayload(action="create", entry=out))
    return out


async def edit(uow: UnitOfWork, entry_id: int, data: LogEntryEdit, actor: Actor) -> LogEntryOut:
    """The author only (403 `not_author`), within the window (409 `locked`)."""
    now = utcnow()
    repo = LogRepository(await uow.begin())
    entry = await repo.get(entry_id, for_update=True)
    if entry is None:
        raise NotFound(f"No log entry {entry_id}", code="log_entry_not_found")
    if entry.author_subject != actor.subject:
        raise Forbidden("Only its author may edit a log entry", code="not_author")
    locked_at = as_utc(entry.created_at) + EDIT_WINDOW
    if now >= locked_at:
        raise Conflict(
            "The entry is locked: it can be edited for 15 minutes after it was written",
            code="locked",
            details={"locked_at": locked_at.isoformat()},
        )
    body = entry.body if data.body is None else data.body
    tags = list(entry.tags) if data.tags is None else _tags(data.tags)
    if body != entry.body or tags != list(entry.tags):
        await repo.add_edit(
            LogEntryEditRow(
                entry_id=entry.id,
                edited_at=now,
                editor=actor.as_dict(),
                body=entry.body,
                tags=list(entry.tags),
            )
        )
        entry.body = body
        entry.tags = tags
        entry.edited_at = now
        await repo.set_tags(entry.id, tags)
        await repo.flush()
        if entry.event_id is not None:
            await timeline.amend(
                uow, entry.event_id, body=body, attrs={"tags": tags, "edited_at": now.isoformat()}
            )
    out = schema(entry, await repo.edits([entry.id]))
    uow.publish(LogPayload(action="edit", entry=out))
    return out


async def page(session: AsyncSession, limit: int, before: str | None, where: LogFilter) -> LogPage:
    """Newest first by `at`; the cursor is the last item's (at, id), as the timeline's."""
    cursor = decode_cursor(before) if before else None
    repo = LogRepository(session)
    rows = await repo.page(limit + 1, cursor, where)
    items = list(rows[:limit])
    edits: dict[int, list[LogEntryEditRow]] = defaultdict(list)
    for e in await repo.edits([entry.id for entry in items]):
        edits[e.entry_id].append(e)
    next_cursor = None
    if len(rows) > limit and items:
        next_cursor = timeline.encode_key(items[-1].at, items[-1].id)
    return LogPage(items=[schema(e, edits[e.id]) for e in items], next_cursor=next_cursor)
