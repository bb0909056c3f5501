"""Gate shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from chiron.auth.schemas import Actor
from chiron.gates.alarm_rules import Action, AlarmState, Trigger
from chiron.gates.rules import Direction, GateStatus
from chiron.kit.schema import (
    FiniteValue,
    InputSchema,
    Integral,
    MetricName,
    Schema,
    SourceId,
    Text,
)
from chiron.stream.messages import Payload

__all__ = [
    "AlarmOut",
    "AlarmPayload",
    "Direction",
    "Gate",
    "GatePayload",
    "GateStatus",
    "GateTransition",
    "GateUpsert",
]


class Peak(Schema):
    status: GateStatus = Field(description="The worst status latched")
    value: float | None = Field(description="The most extreme value of that status")
    unit: str | None = None
    at: datetime = Field(description="When the peak was reached (device time)")


class AlarmOut(Schema):
    """A gate's alarm (Yamcs / ISA-18.2 lifecycle; docs/alarms.md)."""

    state: AlarmState
    latched_status: GateStatus | None = Field(
        None, description="The worst status since the alarm was raised, until acknowledged"
    )
    trigger: Trigger | None = Field(None, description="What raised it: a status or staleness")
    peak: Peak | None = None
    since: datetime | None = Field(None, description="When it entered its state")
    acked_by: Actor | None = None
    acked_at: datetime | None = None
    comment: str | None = Field(None, description="The latest operator action's comment")
    shelved_until: datetime | None = None
    shelved_by: Actor | None = None
    actions: list[Action] = Field(description="What an operator may do to it now")


class Gate(Schema):
    slug: str
    title: str
    description: str
    source: str
    metric: str
    status: GateStatus
    value: float | None = None
    unit: str | None = None
    threshold: float | None = Field(None, description="The threshold that set the status")
    warn: float
    critical: float
    direction: Direction
    hysteresis: float
    min_violations: int
    position: int
    since: datetime = Field(description="When the status last changed")
    updated_at: datetime
    last_seen_at: datetime | None = None
    stale: bool = Field(
        description="Its input is quiet past `stale_after_s`, or never reported (`no_data`): "
        "the status is kept but not current"
    )
    no_data: bool = Field(description="Its input has never reported since the gate was defined")
    stale_after_s: float = Field(description="Seconds without a sample before the gate is stale")
    alarm: AlarmOut


class GateUpsert(InputSchema):
    title: Annotated[Text, Field(min_length=1, max_length=128)]
    description: Annotated[Text, Field(max_length=2000)] = ""
    source: SourceId
    metric: MetricName
    warn: FiniteValue
    critical: FiniteValue
    direction: Direction = "above"
    hysteresis: Annotated[FiniteValue, Field(ge=0)] = 0.0
    min_violations: Annotated[int, Field(ge=1, le=100), Integral] = 1
    stale_after_s: Annotated[float, Field(ge=30, le=7 * 86400)] | None = None
    position: Annotated[int, Field(ge=0, le=1000), Integral] = 0

    @model_validator(mode="after")
    def _ordered_thresholds(self) -> Self:
        worse = (
            self.critical >= self.warn if self.direction == "above" else self.critical <= self.warn
        )
        if not worse:
            side = "at or above" if self.direction == "above" else "at or below"
            raise ValueError(f"critical must be {side} warn when direction is '{self.direction}'")
        return self


class GateList(Schema):
    items: list[Gate]
    at: datetime | None = Field(
        None, description="The time the gates are shown as of (`?at=`); absent: now"
    )


class GateTransition(Schema):
    slug: str
    from_status: GateStatus
    to_status: GateStatus
    value: float | None
    threshold: float | None
    ts: datetime


class GatePayload(Payload):
    type: Literal["gate"] = "gate"
    gate: Gate


class AlarmAcknowledge(InputSchema):
    comment: Annotated[Text, Field(max_length=2000)] | None = None


class AlarmShelve(InputSchema):
    duration_s: Annotated[
        int,
        Field(ge=1, description="Seconds; at most CHIRON_SHELVE_MAX_S (default 8 h)"),
        Integral,
    ]
    comment: Annotated[Text, Field(min_length=1, max_length=2000, description="Required")]


class AlarmUnshelve(InputSchema):
    comment: Annotated[Text, Field(max_length=2000)] | None = None


class GateAlarm(Schema):
    """A gate's alarm with what it is about."""

    gate: str = Field(description="The gate's slug")
    title: str
    source: str
    metric: str
    status: GateStatus
    stale: bool
    value: float | None = None
    unit: str | None = None
    alarm: AlarmOut


class AlarmList(Schema):
    items: list[GateAlarm]
    counts: dict[AlarmState, int]


class AlarmPayload(Payload):
    """An alarm changed: raised, latched a new peak, acknowledged, shelved, expired."""

    type: Literal["alarm"] = "alarm"
    alarm: GateAlarm
    action: Action | Literal["expire"] | None = Field(
        None, description="The operator action (or the shelf's expiry) that changed it"
    )
    actor: Actor | None = None
