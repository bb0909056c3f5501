"""`GET /api/v1/dashboard/stream`: the resumable SSE feed of TelemetryPayload events."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from pydantic import Field, RootModel

from chiron.auth.deps import ReadPrincipal
from chiron.deps import StateDep
from chiron.errors import ERROR_RESPONSES, InvalidInput
from chiron.gates.schemas import AlarmPayload, GatePayload
from chiron.live.sse import EventStreamResponse
from chiron.log.schemas import LogPayload
from chiron.polls.schemas import PollPayload
from chiron.stream.bus import valid_id
from chiron.stream.messages import ResyncPayload
from chiron.telemetry.schemas import MetricPayload, SamplesPayload
from chiron.timeline.schemas import TimelinePayload

router = APIRouter(prefix="/api/v1/dashboard", tags=["stream"])


# The one place that knows every domain's stream payload: each domain owns its own model.
AnyPayload = Annotated[
    SamplesPayload
    | GatePayload
    | AlarmPayload
    | MetricPayload
    | TimelinePayload
    | LogPayload
    | PollPayload
    | ResyncPayload,
    Field(discriminator="type"),
]


class TelemetryPayload(RootModel[AnyPayload]):
    """The JSON `data:` of every stream event, discriminated by `type` (= the SSE `event:`)."""


STREAM_DESCRIPTION = """\
Server-Sent Events. Each event has `id:` (the bus position, `<ms>-<seq>`), `event:` (`samples`,
`gate`, `alarm`, `metric`, `timeline` or `resync`) and `data:` (a JSON `TelemetryPayload`,
schema below).

Resume with the `Last-Event-ID` header (what EventSource sends on reconnect) or
`?last_event_id=`: everything after that id still held by the bus is replayed, then the stream
goes live, with no gap and no duplicate. Start a fresh page from the summary's `last_event_id`.
A `resync` event means: refetch the summary (cursor too old, client too slow, bus outage).
Comment lines (`: ping`) arrive about every 15 s on an idle stream."""


def _cursor(header: str | None, query: str | None) -> str | None:
    # The header wins: EventSource reconnects to the same URL (old query) with a newer header.
    cursor = header or query
    if cursor is None or cursor == "":
        return None
    if not valid_id(cursor):
        raise InvalidInput(
            "last_event_id must be a stream position such as 1718000000000-0",
            details={"last_event_id": cursor[:64]},
        )
    return cursor


_SSE_EVENT = {
    "title": "TelemetryEvent",
    "type": "object",
    "required": ["data"],
    "properties": {
        "id": {"type": "string", "description": "Bus position; resume with Last-Event-ID"},
        "event": {
            "type": "string",
            "enum": ["samples", "gate", "alarm", "metric", "timeline", "resync"],
        },
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": {"$ref": "#/components/schemas/TelemetryPayload"},
        },
        "retry": {"type": "integer"},
    },
}


@router.get(
    "/stream",
    operation_id="stream-events",
    status_code=200,
    summary="Live dashboard events (SSE), resumable",
    description=STREAM_DESCRIPTION,
    response_model=TelemetryPayload,
    response_class=EventStreamResponse,
    responses={
        200: {
            "description": "An open-ended text/event-stream; each `data:` is a TelemetryPayload",
            "content": {
                # One SSE event (as Schemathesis and OpenAPI 3.2's itemSchema read it): its
                # `data:` is a TelemetryPayload encoded as JSON.
                "text/event-stream": {"schema": _SSE_EVENT}
            },
        },
        **{k: v for k, v in ERROR_RESPONSES.items() if k in (401, 403, 422)},
    },
)
async def stream_events(
    state: StateDep,
    principal: ReadPrincipal,
    last_event_id: Annotated[
        str | None,
        Query(max_length=64, description="Resume after this id (the Last-Event-ID header wins)"),
    ] = None,
    last_event_id_header: Annotated[
        str | None, Header(alias="Last-Event-ID", max_length=64, include_in_schema=False)
    ] = None,
) -> Any:
    cursor = _cursor(last_event_id_header, last_event_id)
    return EventStreamResponse(state.hub, state.bus, cursor, heartbeat_s=state.settings.heartbeat_s)
