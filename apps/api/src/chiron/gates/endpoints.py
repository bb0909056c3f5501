"""Gates HTTP: list, create or edit (admin); their alarms: list (read), acknowledge,
shelve and unshelve (operate). The actor is the credential's, never the body's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from chiron.auth.deps import AdminPrincipal, OperatePrincipal, ReadPrincipal
from chiron.deps import ReadSessionDep, SettingsDep, UnitOfWorkDep
from chiron.errors import ERROR_RESPONSES, ErrorResponse
from chiron.gates import alarms, service
from chiron.gates.alarm_rules import AlarmState
from chiron.gates.schemas import (
    AlarmAcknowledge,
    AlarmList,
    AlarmShelve,
    AlarmUnshelve,
    Gate,
    GateAlarm,
    GateList,
    GateUpsert,
)
from chiron.kit.schema import UTC_DATETIME

router = APIRouter(prefix="/api/v1/gates", tags=["gates"])
alarms_router = APIRouter(prefix="/api/v1/alarms", tags=["alarms"])

Slug = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
_ACTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    404: {"model": ErrorResponse, "description": "No such gate"},
    409: {
        "model": ErrorResponse,
        "description": "`invalid_transition`: the action does not apply to the alarm's state",
    },
}


@router.get("", response_model=GateList, operation_id="gates-list", responses=ERROR_RESPONSES)
async def list_gates(
    _: ReadPrincipal,
    session: ReadSessionDep,
    at: Annotated[
        UTC_DATETIME | None,
        Query(description="Show each gate as it stood then, from its recorded transitions"),
    ] = None,
) -> GateList:
    """Every gate now, or as of `at` (looking back: the status its last transition by then
    set, stale if it had gone quiet; the definitions are today's)."""
    if at is None:
        return GateList(items=await service.list_gates(session))
    return GateList(items=await service.gates_at(session, at), at=at)


@router.put(
    "/{slug}",
    response_model=Gate,
    operation_id="gates-upsert",
    responses={**ERROR_RESPONSES, 201: {"model": Gate, "description": "Gate created"}},
)
async def upsert_gate(
    slug: Slug, data: GateUpsert, _: AdminPrincipal, uow: UnitOfWorkDep, response: Response
) -> Gate:
    """Create or edit a gate; it is re-evaluated against the latest value at once."""
    gate, created = await service.upsert(uow, slug, data)
    response.status_code = 201 if created else 200
    return gate


@router.post(
    "/{slug}/alarm/acknowledge",
    response_model=GateAlarm,
    operation_id="alarms-acknowledge",
    responses=_ACTION_RESPONSES,
)
async def acknowledge_alarm(
    slug: Slug, body: AlarmAcknowledge, principal: OperatePrincipal, uow: UnitOfWorkDep
) -> GateAlarm:
    """Acknowledge an unacknowledged alarm (`unacked` -> `acked`, `rtn_unacked` -> `normal`);
    releases the latched peak."""
    return await alarms.acknowledge(uow, slug, principal.actor(), body.comment)


@router.post(
    "/{slug}/alarm/shelve",
    response_model=GateAlarm,
    operation_id="alarms-shelve",
    responses=_ACTION_RESPONSES,
)
async def shelve_alarm(
    slug: Slug,
    body: AlarmShelve,
    principal: OperatePrincipal,
    uow: UnitOfWorkDep,
    settings: SettingsDep,
) -> GateAlarm:
    """Suppress the alarm for `duration_s` (at most CHIRON_SHELVE_MAX_S); it comes back by
    itself when the time is up, raised at once if the gate is still not GO."""
    return await alarms.shelve(
        uow, slug, principal.actor(), body.duration_s, body.comment, settings
    )


@router.post(
    "/{slug}/alarm/unshelve",
    response_model=GateAlarm,
    operation_id="alarms-unshelve",
    responses=_ACTION_RESPONSES,
)
async def unshelve_alarm(
    slug: Slug, body: AlarmUnshelve, principal: OperatePrincipal, uow: UnitOfWorkDep
) -> GateAlarm:
    """End a shelf early."""
    return await alarms.unshelve(uow, slug, principal.actor(), body.comment)


@alarms_router.get(
    "", response_model=AlarmList, operation_id="alarms-list", responses=ERROR_RESPONSES
)
async def list_alarms(
    _: ReadPrincipal,
    session: ReadSessionDep,
    state: Annotated[
        list[AlarmState] | None,
        Query(description="Only alarms in these states (repeat for several); default: all"),
    ] = None,
) -> AlarmList:
    """Every gate's alarm in band order, with counts per state."""
    return await alarms.list_alarms(session, state or ())
