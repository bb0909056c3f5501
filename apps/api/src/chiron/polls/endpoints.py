"""Poll HTTP: open and close (scope `direct`), answer (scope `operate`), read (`read`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from chiron.auth.deps import DirectPrincipal, OperatePrincipal, ReadPrincipal
from chiron.deps import DatabaseDep, UnitOfWorkDep
from chiron.errors import ERROR_RESPONSES, ErrorResponse
from chiron.polls import service
from chiron.polls.schemas import (
    AnswerCreate,
    PollClose,
    PollCreate,
    PollList,
    PollOut,
    PollState,
)

router = APIRouter(tags=["polls"])
PollId = Annotated[int, Path(ge=1, le=2**63 - 1)]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    404: {"model": ErrorResponse, "description": "`poll_not_found`: no such poll"},
}
_ACTION: dict[int | str, dict[str, Any]] = {
    **_NOT_FOUND,
    409: {"model": ErrorResponse, "description": "`poll_closed`: the poll is closed"},
}


@router.post(
    "/api/v1/polls",
    status_code=201,
    response_model=PollOut,
    operation_id="polls-open",
    responses=ERROR_RESPONSES,
)
async def open_poll(data: PollCreate, principal: DirectPrincipal, uow: UnitOfWorkDep) -> PollOut:
    """Open a GO / NO-GO poll over stations (and gates) (scope `direct`)."""
    return await service.open_poll(uow, data, principal.actor())


@router.get(
    "/api/v1/polls", response_model=PollList, operation_id="polls-list", responses=ERROR_RESPONSES
)
async def list_polls(
    _: ReadPrincipal,
    db: DatabaseDep,
    state: Annotated[PollState | None, Query(description="Only open or only closed")] = None,
) -> PollList:
    """Newest first (the latest 200)."""
    async with db.readers() as session:
        return await service.list_polls(session, state)


@router.get(
    "/api/v1/polls/{poll_id}",
    response_model=PollOut,
    operation_id="polls-get",
    responses=_NOT_FOUND,
)
async def get_poll(poll_id: PollId, _: ReadPrincipal, db: DatabaseDep) -> PollOut:
    async with db.readers() as session:
        return await service.get(session, poll_id)


@router.post(
    "/api/v1/polls/{poll_id}/answers",
    response_model=PollOut,
    operation_id="polls-answer",
    responses=_ACTION,
)
async def answer_poll(
    poll_id: PollId, data: AnswerCreate, principal: OperatePrincipal, uow: UnitOfWorkDep
) -> PollOut:
    """The caller's station answers (scope `operate`); its latest answer counts. 403 when
    the caller has no station or it is not polled, 409 once closed."""
    return await service.answer(uow, poll_id, data, principal.actor())


@router.post(
    "/api/v1/polls/{poll_id}/close",
    response_model=PollOut,
    operation_id="polls-close",
    responses=_ACTION,
)
async def close_poll(
    poll_id: PollId,
    principal: DirectPrincipal,
    uow: UnitOfWorkDep,
    data: PollClose | None = None,
) -> PollOut:
    """Close it (scope `direct`): `outcome` is `go` only when every station answered GO and
    every gate is GO, fresh and not in an unacknowledged alarm; otherwise `no-go` with
    `reasons`. 409 when already closed. An optional `comment` goes on the timeline."""
    return await service.close(uow, poll_id, principal.actor(), data.comment if data else None)
