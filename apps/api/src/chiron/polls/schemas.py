"""Poll shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from chiron.auth.principal import STATION_PATTERN
from chiron.auth.schemas import Actor
from chiron.kit.schema import UTC_DATETIME, InputSchema, Schema, Text
from chiron.stream.messages import Payload

Answer = Literal["go", "no-go", "abstain"]
Outcome = Literal["go", "no-go"]
PollState = Literal["open", "closed"]
Station = Annotated[str, Field(pattern=STATION_PATTERN), AfterValidator(str.upper)]
GateSlug = Annotated[str, Field(max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
ReasonCode = Literal[
    "no_answer", "answered_no_go", "abstained", "gate_missing", "gate_status", "gate_stale",
    "gate_alarm",
]  # fmt: skip


class PollCreate(InputSchema):
    question: Annotated[Text, Field(min_length=1, max_length=500)]
    stations: Annotated[list[Station], Field(min_length=1, max_length=32)]
    gates: Annotated[list[GateSlug], Field(max_length=64)] = []
    closes_at: UTC_DATETIME | None = Field(None, description="Closes by itself then")


class AnswerCreate(InputSchema):
    answer: Answer
    comment: Annotated[Text, Field(max_length=1000)] | None = None


class PollClose(InputSchema):
    comment: Annotated[Text, Field(max_length=1000)] | None = None


class AnswerOut(Schema):
    station: str
    answer: Answer
    comment: str | None = None
    actor: Actor
    answered_at: datetime


class Reason(Schema):
    """Why a poll closed NO-GO: one per station or gate that held it back."""

    code: ReasonCode
    station: str | None = None
    gate: str | None = None
    message: str


class PollOut(Schema):
    id: int
    question: str
    stations: list[str]
    gates: list[str]
    state: PollState
    opened_at: datetime
    opened_by: Actor
    closes_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: Actor | None = Field(None, description="None when it closed by itself")
    outcome: Outcome | None = None
    reasons: list[Reason] = []
    answers: dict[str, AnswerOut] = Field(
        default_factory=dict, description="Each station's latest answer"
    )
    history: list[AnswerOut] = Field(default_factory=list, description="Every answer, oldest first")


class PollList(Schema):
    items: list[PollOut]


class PollPayload(Payload):
    type: Literal["poll"] = "poll"
    action: Literal["open", "answer", "close"]
    poll: PollOut
