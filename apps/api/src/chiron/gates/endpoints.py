"""Gates HTTP: list, and create or edit (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from chiron.auth.deps import AdminPrincipal, ReadPrincipal
from chiron.deps import SessionDep, StateDep
from chiron.errors import ERROR_RESPONSES
from chiron.gates import service
from chiron.gates.schemas import Gate, GateList, GateUpsert
from chiron.stream.payloads import GatePayload, TimelinePayload
from chiron.stream.publisher import Publishable, publish_all
from chiron.telemetry.repository import TelemetryRepository
from chiron.timeline.schemas import TimelineEventOut

router = APIRouter(prefix="/api/v1/gates", tags=["gates"])

Slug = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]


@router.get("", response_model=GateList, operation_id="gates-list", responses=ERROR_RESPONSES)
async def list_gates(_: ReadPrincipal, session: SessionDep) -> GateList:
    repo = TelemetryRepository(session)
    gates = await service.list_gates(session)
    latest = await repo.latest_for((g.source, g.metric) for g in gates)
    return GateList(items=[service.to_schema(g, latest.get((g.source, g.metric))) for g in gates])


@router.put(
    "/{slug}",
    response_model=Gate,
    operation_id="gates-upsert",
    responses={**ERROR_RESPONSES, 201: {"model": Gate, "description": "Gate created"}},
)
async def upsert_gate(
    slug: Slug, data: GateUpsert, _: AdminPrincipal, state: StateDep, response: Response
) -> Gate:
    """Create or edit a gate; it is re-evaluated against the latest value at once."""
    async with state.db.writer(), state.db.transaction() as session:
        latest = (await TelemetryRepository(session).latest_for([(data.source, data.metric)])).get(
            (data.source, data.metric)
        )
        gate, created, changes = await service.upsert(session, slug, data, latest)
        model = service.to_schema(gate, latest)
        payloads: list[Publishable] = [GatePayload(gate=model)]
        payloads += [
            TimelinePayload(event=TimelineEventOut.model_validate(e)) for e in changes.events
        ]
    await publish_all(state.bus, payloads)
    response.status_code = 201 if created else 200
    return model
