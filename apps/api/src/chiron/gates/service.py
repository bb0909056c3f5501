"""Gate rules applied to the store: evaluate samples, transitions, staleness, edits.

Every change is recorded in the caller's unit of work: the gate's new state, a timeline
event per transition, and a `gate` stream message, all sent after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from chiron.gates import alarms
from chiron.gates.repository import GateRepository, GateRow
from chiron.gates.rules import GateState, GateStatus, Thresholds, severity_of_status, step
from chiron.gates.schemas import Gate, GatePayload, GateTransition, GateUpsert
from chiron.kit.time import as_utc, utcnow
from chiron.models import HeroGate
from chiron.observability import metrics
from chiron.timeline import service as timeline
from chiron.uow import UnitOfWork
from chiron.vocabulary import GateStanding

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

MIN_STALE_AFTER_S = 30.0
CADENCE_MULTIPLE = 3.0

SeriesKey = tuple[str, str]
Point = tuple[datetime, float, str | None]  # device time, value, unit


def default_stale_after(cadence_s: float | None) -> float:
    """A few times the recent cadence, never under 30 s."""
    if cadence_s is None:
        return MIN_STALE_AFTER_S
    return max(MIN_STALE_AFTER_S, CADENCE_MULTIPLE * cadence_s)


class Cadenced(Protocol):
    """A series' latest row, as far as staleness goes (`MetricLatest`, `LatestSeen`)."""

    @property
    def cadence_s(self) -> float | None: ...


class Seen(Cadenced, Protocol):
    """A series' latest row, as far as stepping its gates goes."""

    @property
    def ts(self) -> datetime: ...


AnyGate = HeroGate | GateRow  # the ORM object, or the plain row ingest steps


def effective_stale_after(gate: AnyGate | None, cadence_s: float | None) -> float:
    """How long a series (or its gate) may stay quiet: the gate's setting, else a few times
    the series' cadence."""
    if gate is not None and gate.stale_after_s is not None:
        return gate.stale_after_s
    return default_stale_after(cadence_s)


def stale_after(gate: AnyGate, latest: Cadenced | None) -> float:
    return effective_stale_after(gate, latest.cadence_s if latest else None)


def thresholds(gate: AnyGate) -> Thresholds:
    return Thresholds(
        gate.warn, gate.critical, gate.direction, gate.hysteresis, gate.min_violations
    )


_DERIVED = frozenset({"stale_after_s", "stale", "no_data", "alarm"})


def to_schema(gate: AnyGate, latest: Cadenced | None = None, now: datetime | None = None) -> Gate:
    """The gate as the API shows it. A gate whose input never reported is `no_data` and
    stale, never a fresh GO; given `now`, one quiet past its `stale_after` is stale even
    before the sweep marks it."""
    limit = stale_after(gate, latest)
    no_data = gate.last_seen_at is None
    stale = gate.stale or no_data
    if now is not None and gate.last_seen_at is not None:
        stale = stale or (now - as_utc(gate.last_seen_at)).total_seconds() > limit
    return Gate.model_validate(
        {
            **{c: getattr(gate, c) for c in Gate.model_fields if c not in _DERIVED},
            "stale_after_s": limit,
            "stale": stale,
            "no_data": no_data,
            "alarm": alarms.schema(gate),
        }
    )


def standing(gate: Gate) -> GateStanding:
    """How the gate counts: its status only while its input is fresh."""
    if gate.no_data:
        return "no_data"
    if gate.stale:
        return "stale"
    return gate.status


def series_rules(gates: Iterable[AnyGate]) -> dict[SeriesKey, tuple[Thresholds, AnyGate]]:
    """The lines a series' readings are judged by: its first gate in band order (gates
    come ordered by position, then slug), so the summary and the stream agree."""
    rules: dict[SeriesKey, tuple[Thresholds, AnyGate]] = {}
    for gate in gates:
        rules.setdefault((gate.source, gate.metric), (thresholds(gate), gate))
    return rules


@dataclass
class GateChanges:
    """What an evaluation changed: the transitions (for the response) and the gates."""

    transitions: list[GateTransition] = field(default_factory=list)
    gates: dict[str, AnyGate] = field(default_factory=dict)


def _fmt(value: float | None, unit: str | None) -> str:
    if value is None:
        return "no value"
    text = f"{value:.4g}"
    return f"{text} {unit}" if unit else text


async def _transition(
    uow: UnitOfWork,
    gate: AnyGate,
    new_status: GateStatus,
    ts: datetime,
    changes: GateChanges,
    alarm: alarms.Tracker,
) -> None:
    old = gate.status
    gate.status = new_status
    alarm.status_changed(old, alarms.condition(gate, ts, stale=False))
    gate.since = ts
    gate.threshold = thresholds(gate).threshold_for(new_status)
    metrics.gate_transition(new_status)
    changes.transitions.append(
        GateTransition(
            slug=gate.slug,
            from_status=old,
            to_status=new_status,
            value=gate.value,
            threshold=gate.threshold,
            ts=ts,
        )
    )
    changes.gates[gate.slug] = gate
    crossed = "crossed" if new_status != "go" else "cleared"
    await timeline.record(
        uow,
        kind="gate_transition",
        severity=severity_of_status(new_status),
        title=f"{gate.title}: {old.upper()} → {new_status.upper()}",
        body=f"{gate.metric} on {gate.source} at {_fmt(gate.value, gate.unit)} "
        f"{crossed} {_fmt(gate.threshold, gate.unit)}",
        gate_slug=gate.slug,
        source=gate.source,
        ts=ts,
        attrs={"from": old, "to": new_status, "value": gate.value, "threshold": gate.threshold},
    )


def _announce(uow: UnitOfWork, changes: GateChanges, latest: Mapping[SeriesKey, Cadenced]) -> None:
    for gate in changes.gates.values():
        uow.publish(GatePayload(gate=to_schema(gate, latest.get((gate.source, gate.metric)))))


@dataclass
class Stepped:
    """What stepping a batch's gates gives the pipeline: the transitions for the response,
    and the lines each gated series is judged by (the readings' severity on the stream)."""

    transitions: list[GateTransition]
    rules: dict[SeriesKey, tuple[Thresholds, AnyGate]]


async def apply_samples(
    uow: UnitOfWork,
    series: Mapping[SeriesKey, list[Point]],
    known: Mapping[SeriesKey, Seen],
    now: datetime,
) -> Stepped:
    """Step every gate watching these series through its new samples, in device-time order
    (samples with the same time in the order they were sent).

    Samples older than the series' latest known sample are stored but do not drive gates:
    a gate follows the latest value.
    """
    changes = GateChanges()
    repo = GateRepository(await uow.begin())
    stepped = []
    watching = await repo.watching(series.keys())
    for gate in watching:
        key = (gate.source, gate.metric)
        previous = known.get(key)
        floor = previous.ts if previous is not None else None
        points = sorted(
            (p for p in series[key] if floor is None or p[0] >= floor), key=_device_time
        )
        if not points:
            continue
        stepped.append(gate)
        rules = thresholds(gate)
        state = GateState(gate.status, gate.violations)
        alarm = alarms.Tracker(gate)
        for ts, value, unit in points:
            gate.value, gate.unit = value, unit or gate.unit
            new = step(rules, state, value)
            if new.status != state.status:
                await _transition(uow, gate, new.status, ts, changes, alarm)
            else:
                alarm.reading(alarms.condition(gate, ts, stale=False))
            state = new
        gate.violations = state.violations
        gate.threshold = rules.threshold_for(gate.status)
        gate.last_seen_at = now
        gate.updated_at = now
        if gate.stale:
            gate.stale = False
            changes.gates[gate.slug] = gate
            await timeline.record(
                uow,
                kind="fresh",
                severity="info",
                title=f"{gate.title}: reporting again",
                body=f"{gate.metric} on {gate.source} reads {_fmt(gate.value, gate.unit)}",
                gate_slug=gate.slug,
                source=gate.source,
                ts=now,
            )
            alarm.fresh(alarms.condition(gate, now, stale=False))
        if alarm.done(uow):
            changes.gates[gate.slug] = gate
    await repo.save_state(stepped)
    _announce(uow, changes, known)
    # Band order (position, slug), as the summary reads them.
    ordered = sorted(watching, key=lambda g: (g.position, g.slug))
    return Stepped(changes.transitions, series_rules(ordered))


def _device_time(point: Point) -> datetime:
    return point[0]


async def upsert(uow: UnitOfWork, slug: str, data: GateUpsert) -> tuple[Gate, bool]:
    """Create or edit a gate, then re-evaluate it against the latest value at once."""
    repo = GateRepository(await uow.begin())
    now = utcnow()
    latest = await repo.latest_of(data.source, data.metric)
    gate = await repo.by_slug(slug, lock=True)
    created = gate is None
    if gate is None:
        gate = HeroGate(
            slug=slug,
            status="go",
            violations=0,
            since=now,
            updated_at=now,
            stale=False,
            alarm_state="normal",
        )
        repo.add(gate)
    for name, value in data.model_dump().items():
        setattr(gate, name, value)
    gate.updated_at = now
    changes = GateChanges()
    alarm = alarms.Tracker(gate)
    if latest is not None:
        gate.value, gate.unit = latest.value, latest.unit
        gate.last_seen_at = as_utc(latest.last_seen_at)
        # New thresholds apply to the current value directly: an edit is not a flap.
        wanted = thresholds(gate).classify(latest.value)
        if wanted != gate.status:
            await _transition(uow, gate, wanted, now, changes, alarm)
    alarm.done(uow)
    gate.violations = 0
    gate.threshold = thresholds(gate).threshold_for(gate.status) if latest else None
    await repo.flush()
    model = to_schema(gate, latest)
    uow.publish(GatePayload(gate=model))
    return model, created


async def mark_stale(
    uow: UnitOfWork, gate: HeroGate, latest: Cadenced | None, now: datetime
) -> bool:
    """Mark a gate whose input went quiet, or never reported, as stale (once, whichever
    replica gets there)."""
    repo = GateRepository(await uow.begin())
    heard = gate.last_seen_at
    quiet = (now - as_utc(heard or gate.since)).total_seconds()
    if not await repo.mark_stale(gate, now):
        return False  # another replica got there first
    # A silent input is an alarm.
    alarm = alarms.Tracker(gate)
    alarm.went_stale(alarms.condition(gate, now, stale=True))
    alarm.done(uow)
    body = (
        f"No {gate.metric} from {gate.source} for {age(quiet)}; last status {gate.status.upper()}"
        if heard is not None
        else f"No {gate.metric} from {gate.source} since the gate was defined, {age(quiet)} ago"
    )
    await timeline.record(
        uow,
        kind="stale",
        severity="warning",
        title=f"{gate.title}: {'STALE' if heard is not None else 'NO DATA'}",
        body=body,
        gate_slug=gate.slug,
        source=gate.source,
        ts=now,
        attrs={"no_data": heard is None},
    )
    uow.publish(GatePayload(gate=to_schema(gate, latest)))
    return True


def age(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}m {whole % 60:02d}s" if whole >= 60 else f"{whole}s"


async def list_gates(session: AsyncSession) -> list[Gate]:
    repo = GateRepository(session)
    gates = await repo.all()
    latest = await repo.latest_for((g.source, g.metric) for g in gates)
    return [to_schema(g, latest.get((g.source, g.metric))) for g in gates]


_STATUS_OF_SEVERITY: dict[str, GateStatus] = {"info": "go", "warning": "hold", "critical": "no-go"}


async def gates_at(session: AsyncSession, at: datetime) -> list[Gate]:
    """Every gate as it stood at `at`, from its recorded history: the status its last
    transition at or before `at` set (a gate starts GO), and stale if its last staleness
    event by then was going quiet. Definitions (title, lines) are today's."""
    gates = await GateRepository(session).all()
    return [await _gate_at(session, gate, at) for gate in gates]


async def _gate_at(session: AsyncSession, gate: HeroGate, at: datetime) -> Gate:
    current = to_schema(gate)
    moved = await timeline.last_for_gate(session, gate.slug, ("gate_transition",), at)
    quiet = await timeline.last_for_gate(session, gate.slug, ("stale", "fresh"), at)
    facts = (moved.attrs or {}) if moved is not None else {}
    stale = quiet is not None and quiet.kind == "stale"
    heard = as_utc(gate.last_seen_at) if gate.last_seen_at is not None else None
    return current.model_copy(
        update={
            "status": facts.get("to")
            or (_STATUS_OF_SEVERITY[moved.severity] if moved is not None else "go"),
            "since": as_utc(moved.ts) if moved is not None else min(as_utc(gate.since), at),
            "value": facts.get("value"),
            "threshold": facts.get("threshold"),
            "stale": stale,
            "no_data": quiet is not None and stale and bool((quiet.attrs or {}).get("no_data")),
            "last_seen_at": heard if heard is not None and heard <= at else None,
        }
    )
