"""Alarms applied to the store: the gate's events (from ingest and the staleness sweep, in
their unit of work), the operators' actions, and the shelf's expiry.

The rules are `alarm_rules.apply`; this module reads a gate's alarm columns into an
`Alarm`, writes the result back, records the timeline event (operator actions and expiry,
with the actor) and puts the `alarm` stream message in the unit of work's outbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chiron.auth.principal import Actor
from chiron.config import Settings
from chiron.errors import Conflict, InvalidInput, NotFound
from chiron.gates import alarm_rules as rules
from chiron.gates.alarm_rules import (
    ALARM_STATES,
    Action,
    Alarm,
    AlarmState,
    Condition,
    InvalidTransition,
)
from chiron.gates.repository import GateRepository, GateRow
from chiron.gates.rules import SEVERITY, GateStatus
from chiron.gates.schemas import AlarmList, AlarmOut, AlarmPayload, GateAlarm, Peak
from chiron.kit.time import as_utc, utcnow
from chiron.models import HeroGate
from chiron.timeline import service as timeline
from chiron.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

AnyGate = HeroGate | GateRow
EXPIRIES_PER_SWEEP = 100


def _actor(data: dict[str, Any] | None) -> Actor | None:
    if not data:
        return None
    return Actor(
        subject=str(data.get("subject", "")),
        name=data.get("name"),
        role=data.get("role"),
        station=data.get("station"),
    )


def alarm_of(gate: AnyGate) -> Alarm:
    return Alarm(
        state=gate.alarm_state,  # type: ignore[arg-type]
        trigger=gate.alarm_trigger,  # type: ignore[arg-type]
        latched_status=gate.alarm_latched,  # type: ignore[arg-type]
        peak_value=gate.alarm_peak_value,
        peak_at=None if gate.alarm_peak_at is None else as_utc(gate.alarm_peak_at),
        since=None if gate.alarm_since is None else as_utc(gate.alarm_since),
        acked_by=_actor(gate.alarm_acked_by),
        acked_at=None if gate.alarm_acked_at is None else as_utc(gate.alarm_acked_at),
        comment=gate.alarm_comment,
        shelved_until=(
            None if gate.alarm_shelved_until is None else as_utc(gate.alarm_shelved_until)
        ),
        shelved_by=_actor(gate.alarm_shelved_by),
    )


def columns(alarm: Alarm) -> dict[str, Any]:
    """The alarm as the gate's `alarm_*` columns."""
    return {
        "alarm_state": alarm.state,
        "alarm_trigger": alarm.trigger,
        "alarm_latched": alarm.latched_status,
        "alarm_peak_value": alarm.peak_value,
        "alarm_peak_at": alarm.peak_at,
        "alarm_since": alarm.since,
        "alarm_acked_by": None if alarm.acked_by is None else alarm.acked_by.as_dict(),
        "alarm_acked_at": alarm.acked_at,
        "alarm_comment": alarm.comment,
        "alarm_shelved_until": alarm.shelved_until,
        "alarm_shelved_by": None if alarm.shelved_by is None else alarm.shelved_by.as_dict(),
    }


def store(gate: AnyGate, alarm: Alarm) -> None:
    for name, value in columns(alarm).items():
        setattr(gate, name, value)


def schema(gate: AnyGate, alarm: Alarm | None = None) -> AlarmOut:
    alarm = alarm or alarm_of(gate)
    peak = None
    if alarm.latched_status is not None and alarm.peak_at is not None:
        peak = Peak(
            status=alarm.latched_status,
            value=alarm.peak_value,
            unit=gate.unit,
            at=alarm.peak_at,
        )
    return AlarmOut(
        state=alarm.state,
        latched_status=alarm.latched_status,
        trigger=alarm.trigger,
        peak=peak,
        since=alarm.since,
        acked_by=None if alarm.acked_by is None else alarm.acked_by.as_dict(),
        acked_at=alarm.acked_at,
        comment=alarm.comment,
        shelved_until=alarm.shelved_until,
        shelved_by=None if alarm.shelved_by is None else alarm.shelved_by.as_dict(),
        actions=rules.actions(alarm.state),
    )


def gate_alarm(gate: AnyGate, alarm: Alarm | None = None) -> GateAlarm:
    return GateAlarm(
        gate=gate.slug,
        title=gate.title,
        source=gate.source,
        metric=gate.metric,
        status=gate.status,
        stale=gate.stale or gate.last_seen_at is None,
        value=gate.value,
        unit=gate.unit,
        alarm=schema(gate, alarm),
    )


def condition(gate: AnyGate, at: datetime, *, stale: bool | None = None) -> Condition:
    return Condition(
        status=gate.status,
        stale=gate.stale if stale is None else stale,
        value=gate.value,
        at=at,
    )


@dataclass
class Tracker:
    """Steps one gate's alarm through a batch's gate events; `done()` writes it back and
    announces it once if it changed."""

    gate: AnyGate
    alarm: Alarm = field(init=False)
    before: Alarm = field(init=False)

    def __post_init__(self) -> None:
        self.alarm = self.before = alarm_of(self.gate)

    def status_changed(self, old: GateStatus, now: Condition) -> None:
        worse = SEVERITY[now.status] > SEVERITY[old]
        event = rules.Worsened(now) if worse else rules.Improved(now)
        self.alarm = rules.apply(self.alarm, event, self.gate.direction)

    def reading(self, now: Condition) -> None:
        if self.alarm.state in ("unacked", "rtn_unacked"):  # only these latch
            self.alarm = rules.apply(self.alarm, rules.Reading(now), self.gate.direction)

    def went_stale(self, now: Condition) -> None:
        self.alarm = rules.apply(self.alarm, rules.WentStale(now), self.gate.direction)

    def fresh(self, now: Condition) -> None:
        self.alarm = rules.apply(self.alarm, rules.Improved(now), self.gate.direction)

    @property
    def changed(self) -> bool:
        return self.alarm != self.before

    def done(self, uow: UnitOfWork) -> bool:
        if not self.changed:
            return False
        store(self.gate, self.alarm)
        uow.publish(AlarmPayload(alarm=gate_alarm(self.gate, self.alarm)))
        self.before = self.alarm
        return True


# Operator actions.

_VERB: dict[Action, str] = {
    "acknowledge": "acknowledged",
    "shelve": "shelved",
    "unshelve": "unshelved",
}


async def _act(
    uow: UnitOfWork,
    slug: str,
    action: Action,
    actor: Actor,
    make: Any,
    comment: str | None,
) -> GateAlarm:
    """Lock the gate, apply the action, write it only if the alarm is still in the state it
    was read in (two simultaneous acknowledgements: one wins, the other is a 409)."""
    repo = GateRepository(await uow.begin())
    gate = await repo.by_slug(slug, lock=True)
    if gate is None:
        raise NotFound(f"No gate {slug!r}", details={"gate": slug})
    before = alarm_of(gate)
    now = utcnow()
    try:
        after = rules.apply(before, make(gate, now), gate.direction)
    except InvalidTransition as exc:
        raise _invalid(exc) from None
    if not await repo.set_alarm(gate, before.state, columns(after)):
        # Changed by another replica between our read and our write.
        raise Conflict(
            f"The alarm changed while you were {_VERB[action][:-2]}ing it; reload",
            code="invalid_transition",
            details={"action": action, "state": gate.alarm_state},
        )
    title = f"{gate.title}: alarm {_VERB[action]} by {actor.label()}"
    if action == "shelve" and after.shelved_until is not None:
        title += f" until {after.shelved_until:%H:%M:%S}Z"
    await timeline.record(
        uow,
        kind="alarm",
        severity="warning" if action == "shelve" else "info",
        title=title[:200],
        body=comment or "",
        gate_slug=gate.slug,
        source=gate.source,
        ts=now,
        actor=actor,
    )
    out = gate_alarm(gate, after)
    uow.publish(AlarmPayload(alarm=out, action=action, actor=actor.as_dict()))
    return out


def _invalid(exc: InvalidTransition) -> Conflict:
    return Conflict(
        str(exc),
        code="invalid_transition",
        details={"action": exc.action, "state": exc.state, "allowed": rules.actions(exc.state)},
    )


async def acknowledge(
    uow: UnitOfWork, slug: str, actor: Actor, comment: str | None = None
) -> GateAlarm:
    def make(_: HeroGate, now: datetime) -> rules.Event:
        return rules.Acknowledge(actor=actor, at=now, comment=comment)

    return await _act(uow, slug, "acknowledge", actor, make, comment)


async def shelve(
    uow: UnitOfWork, slug: str, actor: Actor, duration_s: int, comment: str, settings: Settings
) -> GateAlarm:
    if duration_s > settings.shelve_max_s:
        raise InvalidInput(
            f"An alarm can be shelved for at most {settings.shelve_max_s:.0f} s "
            "(CHIRON_SHELVE_MAX_S)",
            details=[
                {
                    "loc": ["body", "duration_s"],
                    "msg": f"at most {settings.shelve_max_s:.0f}",
                    "type": "less_than_equal",
                }
            ],
        )
    if not comment.strip():
        raise InvalidInput(
            "Say why the alarm is shelved",
            details=[{"loc": ["body", "comment"], "msg": "required", "type": "missing"}],
        )

    def make(_: HeroGate, now: datetime) -> rules.Event:
        until = now + timedelta(seconds=duration_s)
        return rules.Shelve(actor=actor, at=now, until=until, comment=comment)

    return await _act(uow, slug, "shelve", actor, make, comment)


async def unshelve(
    uow: UnitOfWork, slug: str, actor: Actor, comment: str | None = None
) -> GateAlarm:
    def make(gate: HeroGate, now: datetime) -> rules.Event:
        return rules.Unshelve(actor=actor, now=_live_condition(gate, now), comment=comment)

    return await _act(uow, slug, "unshelve", actor, make, comment)


def _live_condition(gate: HeroGate, now: datetime) -> Condition:
    """The gate's condition right now: a gate never heard from counts as stale."""
    return condition(gate, now, stale=gate.stale or gate.last_seen_at is None)


async def expire_shelves(uow: UnitOfWork, now: datetime | None = None) -> int:
    """End every shelf that is due, each exactly once across replicas: the conditional
    UPDATE ... RETURNING claims one row at a time, and a replica that loses the race sees
    no row. Each expiry is a timeline and a stream event."""
    now = now or utcnow()
    repo = GateRepository(await uow.begin())
    expired = 0
    while expired < EXPIRIES_PER_SWEEP:
        gate = await repo.claim_due_shelf(now)
        if gate is None:
            break
        # The claim cleared `shelved_until`, and left the alarm shelved for the rules.
        before = alarm_of(gate)
        after = rules.apply(before, rules.ShelfExpired(_live_condition(gate, now)), gate.direction)
        store(gate, after)
        await repo.flush()
        raised = after.state == "unacked"
        await timeline.record(
            uow,
            kind="alarm",
            severity="warning" if raised else "info",
            title=f"{gate.title}: shelf expired"
            + ("; alarm raised again" if raised else "; alarm back to normal"),
            gate_slug=gate.slug,
            source=gate.source,
            ts=now,
        )
        uow.publish(AlarmPayload(alarm=gate_alarm(gate, after), action="expire"))
        expired += 1
    return expired


# Reads.


async def list_alarms(session: AsyncSession, states: Iterable[AlarmState]) -> AlarmList:
    wanted = set(states)
    gates = await GateRepository(session).all()
    counts: dict[AlarmState, int] = dict.fromkeys(ALARM_STATES, 0)
    items = []
    for gate in gates:
        state: AlarmState = gate.alarm_state  # type: ignore[assignment]
        counts[state] = counts.get(state, 0) + 1
        if not wanted or state in wanted:
            items.append(gate_alarm(gate))
    return AlarmList(items=items, counts=counts)


def counts(gates: Iterable[AnyGate]) -> dict[AlarmState, int]:
    out: dict[AlarmState, int] = dict.fromkeys(ALARM_STATES, 0)
    for gate in gates:
        state: AlarmState = gate.alarm_state  # type: ignore[assignment]
        out[state] = out.get(state, 0) + 1
    return out
