"""Gates HTTP: list, and create or edit (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from chiron.auth.deps import AdminPrincipal, ReadPrincipal
from chiron.deps import ReadSessionDep, UnitOfWorkDep
from chiron.errors import ERROR_RESPONSES
from chiron.gates import service
from chiron.gates.schemas import Gate, GateList, GateUpsert
from chiron.kit.schema import UTC_DATETIME

router = APIRouter(prefix="/api/v1/gates", tags=["gates"])

Slug = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]


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
