"""Operator log shapes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, model_validator

from chiron.auth.schemas import Actor
from chiron.kit.schema import UTC_DATETIME, InputSchema, Schema, SourceId, Text
from chiron.stream.messages import Payload

Tag = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
Tags = Annotated[list[Tag], Field(max_length=16)]
Body = Annotated[Text, Field(min_length=1, max_length=8000)]
GateSlug = Annotated[str, Field(max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
EDIT_WINDOW_S = 15 * 60


class LogRange(InputSchema):
    """The span of time an entry is about (e.g. an anomaly from ... to ...)."""

    from_: UTC_DATETIME = Field(alias="from")
    to: UTC_DATETIME

    @model_validator(mode="after")
    def _ordered(self) -> LogRange:
        if self.from_ > self.to:
            raise ValueError("`from` is after `to`")
        return self


class LogRangeOut(Schema):
    from_: datetime = Field(serialization_alias="from")
    to: datetime


class LogEntryCreate(InputSchema):
    body: Body
    tags: Tags = []
    gate: GateSlug | None = None
    source: SourceId | None = None
    at: UTC_DATETIME | None = Field(None, description="When it happened; default: now")
    range: LogRange | None = None


class LogEntryEdit(InputSchema):
    body: Body | None = None
    tags: Tags | None = None


class LogEditOut(Schema):
    edited_at: datetime
    editor: Actor
    body: str = Field(description="What the entry said before this edit")
    tags: list[str]


class LogEntryOut(Schema):
    id: int
    at: datetime
    created_at: datetime
    edited_at: datetime | None = None
    locked_at: datetime = Field(description="After this the entry can no longer be edited")
    body: str
    tags: list[str]
    gate: str | None = None
    source: str | None = None
    range: LogRangeOut | None = None
    author: Actor
    event_id: int | None = Field(None, description="Its timeline event (kind `log`)")
    edits: list[LogEditOut] = Field(default_factory=list, description="Oldest first")


class LogPage(Schema):
    items: list[LogEntryOut]
    next_cursor: str | None = None


@dataclass(frozen=True)
class LogFilter:
    """Every given criterion must hold; `q` is plain text in the body, any case."""

    start: datetime | None = None
    end: datetime | None = None
    q: str | None = None
    tag: str | None = None
    author: str | None = None


class LogPayload(Payload):
    type: Literal["log"] = "log"
    action: Literal["create", "edit"]
    entry: LogEntryOut
