"""TelemetryPayload: what each SSE event carries, one model per event type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from chiron.gates.schemas import Gate
from chiron.kit.schema import Schema
from chiron.telemetry.schemas import StreamSample
from chiron.timeline.schemas import TimelineEventOut

EventType = Literal["samples", "gate", "timeline", "resync"]


class SamplesPayload(Schema):
    type: Literal["samples"] = "samples"
    samples: list[StreamSample]


class GatePayload(Schema):
    type: Literal["gate"] = "gate"
    gate: Gate


class TimelinePayload(Schema):
    type: Literal["timeline"] = "timeline"
    event: TimelineEventOut


class ResyncPayload(Schema):
    type: Literal["resync"] = "resync"
    reason: str


TelemetryPayload = Annotated[
    SamplesPayload | GatePayload | TimelinePayload | ResyncPayload, Field(discriminator="type")
]
telemetry_payload_adapter: TypeAdapter[TelemetryPayload] = TypeAdapter(TelemetryPayload)


@dataclass(frozen=True, slots=True)
class Encoded:
    """A payload already encoded on a hot path (ingest's samples: see telemetry.service),
    byte for byte what the matching model would encode; tests hold the two together."""

    type: EventType
    data: bytes


def encode(
    payload: SamplesPayload | GatePayload | TimelinePayload | ResyncPayload | Encoded,
) -> bytes:
    """Encode once; the same bytes go to the bus and to every subscriber."""
    if isinstance(payload, Encoded):
        return payload.data
    return payload.model_dump_json().encode()
