"""Timeline HTTP: the filtered newest-first page (JSON or a CSV export), and recording
deploys, incidents and notes."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from chiron.auth import binding
from chiron.auth.deps import IngestPrincipal, ReadPrincipal
from chiron.deps import DatabaseDep, ExportFormatDep, SettingsDep, UnitOfWorkDep
from chiron.errors import ERROR_RESPONSES, InvalidInput
from chiron.kit.csv_export import MEDIA_TYPE, csv_lines
from chiron.kit.schema import SOURCE_PATTERN, UTC_DATETIME
from chiron.timeline import service
from chiron.timeline.schemas import (
    Severity,
    TimelineEventCreate,
    TimelineEventOut,
    TimelineFilter,
    TimelinePage,
)

router = APIRouter(tags=["timeline"])

_KIND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "The page as JSON, or every matching event as CSV (newest first)",
    },
}


def _filter(
    from_: UTC_DATETIME | None,
    to: UTC_DATETIME | None,
    kind: list[str] | None,
    severity: list[Severity] | None,
    gate: str | None,
    source: str | None,
    q: str | None,
) -> TimelineFilter:
    if from_ is not None and to is not None and from_ > to:
        raise InvalidInput(
            "`from` is after `to`",
            details=[{"loc": ["query", "from"], "msg": "after `to`", "type": "range_reversed"}],
        )
    for value in kind or ():
        if not _KIND.match(value):
            raise InvalidInput(
                f"Not an event kind: {value!r}",
                details=[{"loc": ["query", "kind"], "msg": "not an event kind", "type": "kind"}],
            )
    return TimelineFilter(
        start=from_,
        end=to,
        kinds=tuple(dict.fromkeys(kind or ())),
        severities=tuple(dict.fromkeys(severity or ())),
        gate=gate,
        source=source,
        q=q or None,
    )


@router.get(
    "/api/v1/dashboard/timeline",
    response_model=TimelinePage,
    operation_id="timeline-list",
    responses={**ERROR_RESPONSES, **_CSV_RESPONSE},
)
async def list_timeline(
    _: ReadPrincipal,
    db: DatabaseDep,
    export: ExportFormatDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page")
    ] = None,
    from_: Annotated[
        UTC_DATETIME | None, Query(alias="from", description="Events at or after")
    ] = None,
    to: Annotated[UTC_DATETIME | None, Query(description="Events at or before")] = None,
    kind: Annotated[list[str] | None, Query(description="Any of these kinds (repeatable)")] = None,
    severity: Annotated[
        list[Severity] | None, Query(description="Any of these severities (repeatable)")
    ] = None,
    gate: Annotated[str | None, Query(max_length=64, description="A gate's slug")] = None,
    source: Annotated[str | None, Query(max_length=128, pattern=SOURCE_PATTERN)] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Text in the title or body (any case)")
    ] = None,
) -> TimelinePage | StreamingResponse:
    """Newest first; pass `next_cursor` back as `before` for the next page. Every filter
    given must hold. As CSV (`format=csv` or `Accept: text/csv`): every matching event,
    streamed, from `before` on (`limit` does not apply)."""
    where = _filter(from_, to, kind, severity, gate, source, q)
    if export == "csv":

        async def rows() -> AsyncIterator[tuple[object, ...]]:
            async with db.readers() as session:
                async for row in service.csv_rows(session, before, where):
                    yield row

        return StreamingResponse(
            csv_lines(service.CSV_COLUMNS, rows()),
            media_type=MEDIA_TYPE,
            headers={"Content-Disposition": 'attachment; filename="timeline.csv"'},
        )
    async with db.readers() as session:
        return await service.page(session, limit, before, where)


@router.post(
    "/api/v1/timeline",
    status_code=201,
    response_model=TimelineEventOut,
    operation_id="timeline-create",
    responses=ERROR_RESPONSES,
)
async def create_event(
    data: TimelineEventCreate,
    principal: IngestPrincipal,
    uow: UnitOfWorkDep,
    settings: SettingsDep,
) -> TimelineEventOut:
    """Record a deploy, an incident or a note (scope `ingest`; `admin` implies it). A
    source-bound key must name one of its sources (403 `source_not_allowed`)."""
    binding.check(principal.sources, [data.source])
    return await service.create(uow, data, settings)
