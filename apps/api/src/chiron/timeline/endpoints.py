"""Timeline HTTP: the newest-first page, and recording deploys, incidents and notes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from chiron.auth import binding
from chiron.auth.deps import IngestPrincipal, ReadPrincipal
from chiron.deps import ReadSessionDep, SettingsDep, UnitOfWorkDep
from chiron.errors import ERROR_RESPONSES
from chiron.timeline import service
from chiron.timeline.schemas import TimelineEventCreate, TimelineEventOut, TimelinePage

router = APIRouter(tags=["timeline"])


@router.get(
    "/api/v1/dashboard/timeline",
    response_model=TimelinePage,
    operation_id="timeline-list",
    responses=ERROR_RESPONSES,
)
async def list_timeline(
    _: ReadPrincipal,
    session: ReadSessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page")
    ] = None,
) -> TimelinePage:
    """Newest first; pass `next_cursor` back as `before` for the next page."""
    return await service.page(session, limit, before)


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
