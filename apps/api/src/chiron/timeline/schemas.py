"""Timeline shapes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from chiron.auth.schemas import Actor
from chiron.kit.schema import UTC_DATETIME, InputSchema, Schema, SourceId, Text
from chiron.stream.messages import Payload
from chiron.vocabulary import EventSeverity

Severity = EventSeverity
EventKind = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")]


class TimelineEventOut(Schema):
    id: int
    ts: datetime
    kind: str
    severity: Severity
    title: str
    body: str
    gate_slug: str | None = None
    source: str | None = None
    actor: Actor | None = Field(
        None, description="Who did it, for operator actions (from the credential)"
    )

    @model_validator(mode="before")
    @classmethod
    def _actor_from_attrs(cls, data: Any) -> Any:
        """A stored event keeps its actor in `attrs`."""
        if isinstance(data, dict) or not hasattr(data, "attrs"):
            return data
        fields = {name: getattr(data, name) for name in _STORED}
        attrs = data.attrs or {}
        fields["actor"] = attrs.get("actor") if isinstance(attrs, dict) else None
        return fields


_STORED = ("id", "ts", "kind", "severity", "title", "body", "gate_slug", "source")


class TimelineEventCreate(InputSchema):
    kind: EventKind = "note"
    severity: Severity = "info"
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    body: Annotated[Text, Field(max_length=4000)] = ""
    ts: UTC_DATETIME | None = None
    source: SourceId | None = None
    gate_slug: Annotated[str, Field(max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")] | None = None


@dataclass(frozen=True)
class TimelineFilter:
    """What a timeline read keeps: every given criterion must hold (a list: any of its
    values). `q` matches title or body, case-insensitively, as plain text."""

    start: datetime | None = None
    end: datetime | None = None
    kinds: tuple[str, ...] = ()
    severities: tuple[EventSeverity, ...] = ()
    gate: str | None = None
    source: str | None = None
    q: str | None = None


class TimelinePage(Schema):
    items: list[TimelineEventOut]
    next_cursor: str | None = None


class TimelinePayload(Payload):
    type: Literal["timeline"] = "timeline"
    event: TimelineEventOut
