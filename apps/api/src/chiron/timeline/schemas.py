"""Timeline shapes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

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
