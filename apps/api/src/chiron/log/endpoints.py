"""Operator log HTTP: write (scope `operate`), read and search (scope `read`), edit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from chiron.auth.deps import OperatePrincipal, ReadPrincipal
from chiron.deps import DatabaseDep, SettingsDep, UnitOfWorkDep
from chiron.errors import ERROR_RESPONSES, ErrorResponse, InvalidInput
from chiron.kit.schema import UTC_DATETIME
from chiron.log import service
from chiron.log.schemas import LogEntryCreate, LogEntryEdit, LogEntryOut, LogFilter, LogPage

router = APIRouter(tags=["log"])


@router.post(
    "/api/v1/log",
    status_code=201,
    response_model=LogEntryOut,
    operation_id="log-create",
    responses=ERROR_RESPONSES,
)
async def create_entry(
    data: LogEntryCreate, principal: OperatePrincipal, uow: UnitOfWorkDep, settings: SettingsDep
) -> LogEntryOut:
    """Write an entry (scope `operate`). Its author is the signed-in actor, never the body;
    it is also a timeline event of kind `log`."""
    return await service.create(uow, data, principal.actor(), settings)


@router.get(
    "/api/v1/log", response_model=LogPage, operation_id="log-list", responses=ERROR_RESPONSES
)
async def list_entries(
    _: ReadPrincipal,
    db: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Text in the body (any case)")
    ] = None,
    tag: Annotated[str | None, Query(max_length=64, description="Entries with this tag")] = None,
    author: Annotated[
        str | None, Query(max_length=255, description="The author's subject or name")
    ] = None,
    from_: Annotated[
        UTC_DATETIME | None, Query(alias="from", description="Entries at or after")
    ] = None,
    to: Annotated[UTC_DATETIME | None, Query(description="Entries at or before")] = None,
) -> LogPage:
    """Newest first (by `at`); pass `next_cursor` back as `before` for the next page."""
    if from_ is not None and to is not None and from_ > to:
        raise InvalidInput(
            "`from` is after `to`",
            details=[{"loc": ["query", "from"], "msg": "after `to`", "type": "range_reversed"}],
        )
    where = LogFilter(start=from_, end=to, q=q or None, tag=(tag or "").lower() or None,
                      author=author or None)  # fmt: skip
    async with db.readers() as session:
        return await service.page(session, limit, before, where)


@router.patch(
    "/api/v1/log/{entry_id}",
    response_model=LogEntryOut,
    operation_id="log-edit",
    responses={
        **ERROR_RESPONSES,
        404: {"model": ErrorResponse, "description": "No such entry"},
        409: {"model": ErrorResponse, "description": "`locked`: past the 15-minute edit window"},
    },
)
async def edit_entry(
    entry_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    data: LogEntryEdit,
    principal: OperatePrincipal,
    uow: UnitOfWorkDep,
) -> LogEntryOut:
    """Its author may edit it for 15 minutes (403 `not_author`, then 409 `locked`); what
    it said before is kept in `edits`."""
    return await service.edit(uow, entry_id, data, principal.actor())
