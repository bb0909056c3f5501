"""The alarm lifecycle, pure: (alarm, event) -> alarm. Yamcs / ISA-18.2.

States: `normal`; `unacked` (raised, nobody has acknowledged); `acked` (acknowledged, the
condition is still present); `rtn_unacked` (returned to GO before anyone acknowledged:
shown until acknowledged); `shelved` (suppressed by an operator until a time).

- Raised when the gate worsens from GO, or its input goes stale. Worsening again after an
  acknowledgement (HOLD -> NO-GO) raises it again; so does going stale.
- Latches its worst status and the value and time of that peak (the most extreme value of
  the worst status) until acknowledged.
- An acknowledged alarm whose gate returns to GO and fresh is `normal`; an unacknowledged
  one is `rtn_unacked` until acknowledged.
- Shelving suppresses the alarm whatever the gate does; unshelving, or the shelf expiring,
  raises it at once if the condition is still present, else it is `normal`.
- An operator action that does not apply raises `InvalidTransition` (HTTP 409).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from chiron.auth.principal import Actor
from chiron.gates.rules import SEVERITY, GateStatus
from chiron.vocabulary import Direction

AlarmState = Literal["normal", "unacked", "acked", "rtn_unacked", "shelved"]
ALARM_STATES: tuple[AlarmState, ...] = ("normal", "unacked", "acked", "rtn_unacked", "shelved")
Trigger = Literal["status", "stale"]
Action = Literal["acknowledge", "shelve", "unshelve"]


class InvalidTransition(Exception):
    """The operator action does not apply to the alarm's state."""

    def __init__(self, action: Action, state: AlarmState) -> None:
        super().__init__(f"Cannot {action} an alarm that is {state}")
        self.action = action
        self.state = state


@dataclass(frozen=True, slots=True)
class Condition:
    """What the gate says now: its status, whether its input is stale, its last value."""

    status: GateStatus
    stale: bool
    value: float | None
    at: datetime

    @property
    def present(self) -> bool:
        return self.stale or self.status != "go"


@dataclass(frozen=True, slots=True)
class Alarm:
    state: AlarmState = "normal"
    trigger: Trigger | None = None
    latched_status: GateStatus | None = None
    peak_value: float | None = None
    peak_at: datetime | None = None
    since: datetime | None = None  # when it entered its state
    acked_by: Actor | None = None
    acked_at: datetime | None = None
    comment: str | None = None  # the latest operator action's
    shelved_until: datetime | None = None
    shelved_by: Actor | None = None


# Events: what the gate did, and what operators do.
@dataclass(frozen=True, slots=True)
class Worsened:
    """The gate's status rose (GO -> HOLD, GO -> NO-GO, HOLD -> NO-GO)."""

    now: Condition


@dataclass(frozen=True, slots=True)
class Improved:
    """The gate's status fell, or its input reports again after going stale."""

    now: Condition


@dataclass(frozen=True, slots=True)
class WentStale:
    now: Condition


@dataclass(frozen=True, slots=True)
class Reading:
    """A sample that changed no status: only moves the latched peak."""

    now: Condition


@dataclass(frozen=True, slots=True)
class Acknowledge:
    actor: Actor
    at: datetime
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Shelve:
    actor: Actor
    at: datetime
    until: datetime
    comment: str


@dataclass(frozen=True, slots=True)
class Unshelve:
    actor: Actor
    now: Condition
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class ShelfExpired:
    now: Condition


Event = Worsened | Improved | WentStale | Reading | Acknowledge | Shelve | Unshelve | ShelfExpired
_ACTIVE: frozenset[AlarmState] = frozenset({"unacked", "acked", "rtn_unacked"})


def actions(state: AlarmState) -> list[Action]:
    """What an operator may do to an alarm in `state`."""
    if state == "shelved":
        return ["unshelve"]
    if state in ("unacked", "rtn_unacked"):
        return ["acknowledge", "shelve"]
    return ["shelve"]


def _more_extreme(value: float, than: float | None, direction: Direction) -> bool:
    if than is None:
        return True
    return value > than if direction == "above" else value < than


def latch(alarm: Alarm, now: Condition, direction: Direction) -> Alarm:
    """Keep the worst status, and the most extreme value of it with its time."""
    if alarm.latched_status is None or SEVERITY[now.status] > SEVERITY[alarm.latched_status]:
        return replace(alarm, latched_status=now.status, peak_value=now.value, peak_at=now.at)
    if (
        now.status == alarm.latched_status
        and now.value is not None
        and now.status != "go"
        and _more_extreme(now.value, alarm.peak_value, direction)
    ):
        return replace(alarm, peak_value=now.value, peak_at=now.at)
    return alarm


def _raise(now: Condition, trigger: Trigger) -> Alarm:
    """A fresh raise: the latch starts at the condition that raised it."""
    return Alarm(
        state="unacked",
        trigger=trigger,
        latched_status=now.status,
        peak_value=now.value,
        peak_at=now.at,
        since=now.at,
    )


def _resume(now: Condition) -> Alarm:
    """Off the shelf: raised at once if the condition is present, else normal."""
    if now.present:
        return _raise(now, "stale" if now.stale else "status")
    return Alarm(state="normal", since=now.at)


def apply(alarm: Alarm, event: Event, direction: Direction = "above") -> Alarm:
    """The alarm after `event`. Operator actions that do not apply raise InvalidTransition;
    gate events always apply (a shelved alarm ignores them)."""
    state = alarm.state
    match event:
        case Acknowledge(actor=actor, at=at, comment=comment):
            if state == "unacked":
                # The latch is released: it restarts from the condition at hand.
                return replace(
                    alarm, state="acked", since=at, acked_by=actor, acked_at=at, comment=comment
                )
            if state == "rtn_unacked":
                return Alarm(state="normal", since=at, acked_by=actor, acked_at=at, comment=comment)
            raise InvalidTransition("acknowledge", state)
        case Shelve(actor=actor, at=at, until=until, comment=comment):
            if state == "shelved":
                raise InvalidTransition("shelve", state)
            return Alarm(
                state="shelved", since=at, comment=comment, shelved_until=until, shelved_by=actor
            )
        case Unshelve(now=now, comment=comment):
            if state != "shelved":
                raise InvalidTransition("unshelve", state)
            return replace(_resume(now), comment=comment)
        case ShelfExpired(now=now):
            return _resume(now) if state == "shelved" else alarm
        case _ if state == "shelved":
            return alarm  # suppressed: the gate's events change nothing until unshelved
        case Worsened(now=now):
            if state in ("normal", "acked"):
                return _raise(now, "status")
            return replace(
                latch(alarm, now, direction),
                state="unacked",
                since=(alarm.since if state == "unacked" else now.at),
            )
        case WentStale(now=now):
            if state in ("normal", "acked"):
                return _raise(now, "stale")
            if state == "rtn_unacked":
                return replace(alarm, state="unacked", trigger="stale", since=now.at)
            return alarm
        case Improved(now=now):
            if now.present:
                return alarm
            if state == "unacked":
                return replace(alarm, state="rtn_unacked", since=now.at)
            if state == "acked":
                return Alarm(state="normal", since=now.at)
            return alarm
        case Reading(now=now):
            if state in _ACTIVE and state != "acked":
                return latch(alarm, now, direction)
            return alarm
    raise TypeError(f"not an alarm event: {event!r}")  # pragma: no cover - exhaustive
