"""Poll rules (VIPER's GO / NO-GO poll). The director opens a poll over stations and gates;
each listed station answers (its latest answer counts, every one is kept); at close the
outcome is `go` only when every station answered `go` and every gate is GO, fresh and not
in an unacknowledged alarm, else `no-go` with every reason. A poll with `closes_at` closes
by itself exactly once across replicas (`close_due`, a conditional UPDATE claim)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from chiron.auth.principal import Actor
from chiron.errors import Conflict, Forbidden, InvalidInput, NotFound
from chiron.gates import service as gates
from chiron.kit.time import as_utc, utcnow
from chiron.models import HeroGate, Poll, PollAnswer
from chiron.polls.repository import CLAIMS_PER_SWEEP, PollRepository
from chiron.polls.schemas import (
    AnswerCreate,
    AnswerOut,
    PollCreate,
    PollList,
    PollOut,
    PollPayload,
    PollState,
    Reason,
)
from chiron.telemetry.repository import TelemetryRepository
from chiron.timeline import service as timeline
from chiron.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

# An alarm nobody has acknowledged yet, raised or returned to normal (gates/alarm_rules.py).
UNACKED = frozenset({"unacked", "rtn_unacked"})


def _answer(row: PollAnswer) -> AnswerOut:
    return AnswerOut(
        station=row.station,
        answer=row.answer,
        comment=row.comment,
        actor=row.actor,
        answered_at=row.answered_at,
    )


def schema(poll: Poll, answers: Sequence[PollAnswer] = ()) -> PollOut:
    history = [_answer(a) for a in answers]
    latest = {a.station: a for a in history}
    return PollOut(
        id=poll.id,
        question=poll.question,
        stations=list(poll.stations),
        gates=list(poll.gates),
        state=poll.state,
        opened_at=poll.opened_at,
        opened_by=poll.opened_by,
        closes_at=poll.closes_at,
        closed_at=poll.closed_at,
        closed_by=poll.closed_by,
        outcome=poll.outcome,
        reasons=[Reason.model_validate(r) for r in poll.reasons or ()],
        answers=latest,
        history=history,
    )


async def open_poll(uow: UnitOfWork, data: PollCreate, actor: Actor) -> PollOut:
    now = utcnow()
    if data.closes_at is not None and data.closes_at <= now:
        raise InvalidInput(
            "`closes_at` is in the past",
            details=[{"loc": ["body", "closes_at"], "msg": "in the past", "type": "in_past"}],
        )
    repo = PollRepository(await uow.begin())
    slugs = list(dict.fromkeys(data.gates))
    missing = [s for s in slugs if s not in await repo.gates(slugs)]
    if missing:
        raise InvalidInput(
            f"No such gate: {', '.join(missing)}",
            code="gate_not_found",
            details=[{"loc": ["body", "gates"], "msg": f"no gate {s!r}", "type": "gate_not_found"}
                     for s in missing],
        )  # fmt: skip
    poll = Poll(
        question=data.question,
        stations=list(dict.fromkeys(data.stations)),
        gates=slugs,
        state="open",
        opened_at=now,
        opened_by=actor.as_dict(),
        closes_at=data.closes_at,
    )
    await repo.add(poll)
    await timeline.record(
        uow,
        kind="poll",
        severity="info",
        title=f"Poll opened by {actor.label()}: {data.question}"[:200],
        body=f"Stations: {', '.join(poll.stations)}"
        + (f"; gates: {', '.join(slugs)}" if slugs else ""),
        ts=now,
        attrs={"poll_id": poll.id, "action": "open"},
        actor=actor,
    )
    out = schema(poll)
    uow.publish(PollPayload(action="open", poll=out))
    return out


async def _get(repo: PollRepository, poll_id: int) -> Poll:
    poll = await repo.get(poll_id)
    if poll is None:
        raise NotFound(f"No poll {poll_id}", code="poll_not_found")
    return poll


def _closed(poll: Poll) -> Conflict:
    return Conflict("The poll is closed", code="poll_closed", details={"id": poll.id})


async def answer(uow: UnitOfWork, poll_id: int, data: AnswerCreate, actor: Actor) -> PollOut:
    """The caller's station answers (403 `no_station` / `station_not_polled`, 409 once
    closed, including past `closes_at` before the job has closed it)."""
    now = utcnow()
    repo = PollRepository(await uow.begin())
    poll = await _get(repo, poll_id)
    if actor.station is None:
        raise Forbidden("Answering a poll needs a console station", code="no_station")
    if actor.station not in poll.stations:
        raise Forbidden(
            f"Station {actor.station} is not polled",
            code="station_not_polled",
            details={"station": actor.station, "stations": list(poll.stations)},
        )
    if poll.state != "open" or (poll.closes_at is not None and as_utc(poll.closes_at) <= now):
        raise _closed(poll)
    await repo.add_answer(
        PollAnswer(
            poll_id=poll.id,
            station=actor.station,
            answer=data.answer,
            comment=data.comment,
            actor=actor.as_dict(),
            answered_at=now,
        )
    )
    await timeline.record(
        uow,
        kind="poll",
        severity="warning" if data.answer == "no-go" else "info",
        title=f"{actor.station} answers {data.answer.upper()}: {poll.question}"[:200],
        body=data.comment or "",
        ts=now,
        attrs={"poll_id": poll.id, "action": "answer", "answer": data.answer},
        actor=actor,
    )
    out = schema(poll, await repo.answers([poll.id]))
    uow.publish(PollPayload(action="answer", poll=out))
    return out


async def _gate_fresh(session: AsyncSession, gate: HeroGate, now: datetime) -> bool:
    """Fresh now, not only as of the last sweep: heard from within its `stale_after`."""
    if gate.stale or gate.last_seen_at is None:
        return False
    latest = await TelemetryRepository(session).latest_of((gate.source, gate.metric))
    quiet = (now - as_utc(gate.last_seen_at)).total_seconds()
    return quiet <= gates.stale_after(gate, latest)


async def _outcome(
    session: AsyncSession, poll: Poll, answers: Sequence[PollAnswer], now: datetime
) -> list[Reason]:
    reasons: list[Reason] = []
    latest = {a.station: a.answer for a in answers}
    for station in poll.stations:
        given = latest.get(station)
        if given is None:
            reasons.append(Reason(code="no_answer", station=station,
                                  message=f"{station} did not answer"))  # fmt: skip
        elif given == "no-go":
            reasons.append(Reason(code="answered_no_go", station=station,
                                  message=f"{station} answered NO-GO"))  # fmt: skip
        elif given == "abstain":
            reasons.append(Reason(code="abstained", station=station,
                                  message=f"{station} abstained"))  # fmt: skip
    found = await PollRepository(session).gates(poll.gates)
    for slug in poll.gates:
        gate = found.get(slug)
        if gate is None:
            reasons.append(Reason(code="gate_missing", gate=slug,
                                  message=f"Gate {slug} no longer exists"))  # fmt: skip
            continue
        if gate.status != "go":
            reasons.append(Reason(code="gate_status", gate=slug,
                                  message=f"Gate {slug} is {gate.status.upper()}"))  # fmt: skip
        if not await _gate_fresh(session, gate, now):
            reasons.append(Reason(code="gate_stale", gate=slug,
                                  message=f"Gate {slug} is stale (no fresh data)"))  # fmt: skip
        if gate.alarm_state in UNACKED:
            reasons.append(Reason(code="gate_alarm", gate=slug,
                                  message=f"Gate {slug} has an unacknowledged alarm"))  # fmt: skip
    return reasons


async def _finish(
    uow: UnitOfWork,
    repo: PollRepository,
    poll: Poll,
    now: datetime,
    actor: Actor | None,
    comment: str | None = None,
) -> PollOut:
    """The poll is claimed closed: decide the outcome, record it, announce it."""
    await repo.refresh(poll)
    answers = await repo.answers([poll.id])
    reasons = await _outcome(repo.session, poll, answers, now)
    poll.outcome = "no-go" if reasons else "go"
    poll.reasons = [r.model_dump() for r in reasons]
    poll.closed_by = None if actor is None else actor.as_dict()
    await repo.flush()
    who = actor.label() if actor is not None else "its deadline"
    await timeline.record(
        uow,
        kind="poll",
        severity="warning" if reasons else "info",
        title=f"Poll {poll.outcome.upper()} (closed by {who}): {poll.question}"[:200],
        body="\n".join(filter(None, [comment, "; ".join(r.message for r in reasons)])),
        ts=now,
        attrs={"poll_id": poll.id, "action": "close", "outcome": poll.outcome},
        actor=actor,
    )
    out = schema(poll, answers)
    uow.publish(PollPayload(action="close", poll=out))
    return out


async def close(uow: UnitOfWork, poll_id: int, actor: Actor, comment: str | None = None) -> PollOut:
    now = utcnow()
    repo = PollRepository(await uow.begin())
    poll = await _get(repo, poll_id)
    if not await repo.claim_close(poll.id, now):
        raise _closed(poll)
    return await _finish(uow, repo, poll, now, actor, comment)


async def close_due(uow: UnitOfWork, now: datetime | None = None) -> int:
    """Close every poll past its `closes_at`, each exactly once across replicas."""
    now = now or utcnow()
    repo = PollRepository(await uow.begin())
    closed = 0
    while closed < CLAIMS_PER_SWEEP:
        poll_id = await repo.claim_due(now)
        if poll_id is None:
            break
        await _finish(uow, repo, await _get(repo, poll_id), now, None)
        closed += 1
    return closed


async def get(session: AsyncSession, poll_id: int) -> PollOut:
    repo = PollRepository(session)
    poll = await _get(repo, poll_id)
    return schema(poll, await repo.answers([poll.id]))


async def list_polls(session: AsyncSession, state: PollState | None) -> PollList:
    repo = PollRepository(session)
    polls = await repo.list(state)
    answers: dict[int, list[PollAnswer]] = defaultdict(list)
    for a in await repo.answers([p.id for p in polls]):
        answers[a.poll_id].append(a)
    return PollList(items=[schema(p, answers[p.id]) for p in polls])
