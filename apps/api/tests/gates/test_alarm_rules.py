"""The alarm lifecycle as a pure function: every state x event, latching, re-raise."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chiron.auth.principal import Actor
from chiron.gates import alarm_rules as rules
from chiron.gates.alarm_rules import (
    Acknowledge,
    Alarm,
    AlarmState,
    Condition,
    Event,
    Improved,
    InvalidTransition,
    Reading,
    ShelfExpired,
    Shelve,
    Unshelve,
    WentStale,
    Worsened,
    apply,
)

T0 = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
ADA = Actor(subject="user_ada", name="Ada", role="org:operator", station="THERMAL")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def cond(
    status: str = "go", *, stale: bool = False, value: float = 70.0, t: float = 1
) -> Condition:
    return Condition(status=status, stale=stale, value=value, at=at(t))  # type: ignore[arg-type]


HOLD, NOGO, GO = cond("hold", value=85.0), cond("no-go", value=95.0), cond("go", value=70.0)
STALE = cond("hold", stale=True, value=85.0)
ACK = Acknowledge(actor=ADA, at=at(2), comment="on it")
SHELVE = Shelve(actor=ADA, at=at(2), until=at(62), comment="sensor swap")
UNSHELVE_BAD = Unshelve(actor=ADA, now=HOLD)
UNSHELVE_OK = Unshelve(actor=ADA, now=GO)

# One alarm per state, as it would be reached.
STARTS: dict[AlarmState, Alarm] = {
    "normal": Alarm(),
    "unacked": Alarm(state="unacked", trigger="status", latched_status="hold",
                     peak_value=85.0, peak_at=at(1), since=at(1)),
    "acked": Alarm(state="acked", trigger="status", latched_status="hold", peak_value=85.0,
                   peak_at=at(1), since=at(2), acked_by=ADA, acked_at=at(2)),
    "rtn_unacked": Alarm(state="rtn_unacked", trigger="status", latched_status="no-go",
                         peak_value=95.0, peak_at=at(1), since=at(3)),
    "shelved": Alarm(state="shelved", since=at(2), shelved_until=at(62), shelved_by=ADA,
                     comment="sensor swap"),
}  # fmt: skip

# (state, event) -> the state after it; None: the operator action is refused (409).
TABLE: list[tuple[AlarmState, str, Event, AlarmState | None]] = [
    ("normal", "worsened", Worsened(HOLD), "unacked"),
    ("normal", "stale", WentStale(STALE), "unacked"),
    ("normal", "improved", Improved(GO), "normal"),
    ("normal", "reading", Reading(GO), "normal"),
    ("normal", "ack", ACK, None),
    ("normal", "shelve", SHELVE, "shelved"),
    ("normal", "unshelve", UNSHELVE_OK, None),
    ("normal", "expired", ShelfExpired(HOLD), "normal"),
    ("unacked", "worsened", Worsened(NOGO), "unacked"),
    ("unacked", "stale", WentStale(STALE), "unacked"),
    ("unacked", "improved_not_go", Improved(HOLD), "unacked"),
    ("unacked", "cleared", Improved(GO), "rtn_unacked"),
    ("unacked", "ack", ACK, "acked"),
    ("unacked", "shelve", SHELVE, "shelved"),
    ("unacked", "unshelve", UNSHELVE_OK, None),
    ("acked", "worsened", Worsened(NOGO), "unacked"),
    ("acked", "stale", WentStale(STALE), "unacked"),
    ("acked", "improved_not_go", Improved(HOLD), "acked"),
    ("acked", "cleared", Improved(GO), "normal"),
    ("acked", "ack", ACK, None),
    ("acked", "shelve", SHELVE, "shelved"),
    ("acked", "unshelve", UNSHELVE_OK, None),
    ("rtn_unacked", "worsened", Worsened(HOLD), "unacked"),
    ("rtn_unacked", "stale", WentStale(STALE), "unacked"),
    ("rtn_unacked", "cleared", Improved(GO), "rtn_unacked"),
    ("rtn_unacked", "ack", ACK, "normal"),
    ("rtn_unacked", "shelve", SHELVE, "shelved"),
    ("rtn_unacked", "unshelve", UNSHELVE_OK, None),
    ("shelved", "worsened", Worsened(NOGO), "shelved"),
    ("shelved", "stale", WentStale(STALE), "shelved"),
    ("shelved", "cleared", Improved(GO), "shelved"),
    ("shelved", "ack", ACK, None),
    ("shelved", "shelve", SHELVE, None),
    ("shelved", "unshelve_condition_present", UNSHELVE_BAD, "unacked"),
    ("shelved", "unshelve_condition_gone", UNSHELVE_OK, "normal"),
    ("shelved", "expired_condition_present", ShelfExpired(HOLD), "unacked"),
    ("shelved", "expired_condition_gone", ShelfExpired(GO), "normal"),
    ("shelved", "expired_while_stale", ShelfExpired(STALE), "unacked"),
]


@pytest.mark.parametrize(
    ("start", "event", "expected"),
    [pytest.param(s, e, x, id=f"{s}-{name}") for s, name, e, x in TABLE],
)
def test_state_by_event(start: AlarmState, event: Event, expected: AlarmState | None) -> None:
    alarm = STARTS[start]
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            apply(alarm, event)
        assert refused.value.state == start
        return
    assert apply(alarm, event).state == expected


def test_every_state_meets_every_kind_of_event() -> None:
    kinds = {type(e) for _, _, e, _ in TABLE}
    assert kinds == set(Event.__args__)  # type: ignore[attr-defined]
    assert {s for s, _, _, _ in TABLE} == set(rules.ALARM_STATES)


def test_latches_the_worst_status_and_its_most_extreme_value_until_acknowledged() -> None:
    alarm = apply(Alarm(), Worsened(cond("hold", value=84.0, t=1)))
    alarm = apply(alarm, Reading(cond("hold", value=86.0, t=2)))
    alarm = apply(alarm, Worsened(cond("no-go", value=91.0, t=3)))
    alarm = apply(alarm, Reading(cond("no-go", value=95.5, t=4)))  # the peak
    alarm = apply(alarm, Reading(cond("no-go", value=92.0, t=5)))
    alarm = apply(alarm, Improved(cond("hold", value=85.0, t=6)))
    alarm = apply(alarm, Improved(cond("go", value=70.0, t=7)))
    assert alarm.state == "rtn_unacked"
    assert (alarm.latched_status, alarm.peak_value, alarm.peak_at) == ("no-go", 95.5, at(4))
    assert alarm.since == at(7)
    # Hours later it still says what happened.
    alarm = apply(alarm, Reading(cond("go", value=60.0, t=240)))
    assert (alarm.latched_status, alarm.peak_value) == ("no-go", 95.5)
    cleared = apply(alarm, replace(ACK, at=at(241)))
    assert cleared.state == "normal"
    assert cleared.latched_status is None
    assert cleared.acked_by == ADA


def test_below_gates_latch_the_lowest_value() -> None:
    alarm = apply(Alarm(), Worsened(cond("no-go", value=10.5)), "below")
    alarm = apply(alarm, Reading(cond("no-go", value=10.1, t=2)), "below")
    alarm = apply(alarm, Reading(cond("no-go", value=10.4, t=3)), "below")
    assert (alarm.peak_value, alarm.peak_at) == (10.1, at(2))


def test_worsening_after_an_acknowledgement_raises_it_again() -> None:
    alarm = apply(Alarm(), Worsened(cond("hold", value=84.0, t=1)))
    alarm = apply(alarm, ACK)
    assert alarm.state == "acked"
    assert alarm.acked_by == ADA
    alarm = apply(alarm, Worsened(cond("no-go", value=93.0, t=5)))
    assert alarm.state == "unacked"
    assert (alarm.latched_status, alarm.peak_value, alarm.since) == ("no-go", 93.0, at(5))
    assert alarm.acked_by is None  # nobody has acknowledged this one
    # HOLD -> NO-GO again after a dip, acknowledged in between: raised again.
    alarm = apply(apply(alarm, ACK), Improved(cond("hold", t=6)))
    assert apply(alarm, Worsened(cond("no-go", t=7))).state == "unacked"


def test_going_stale_raises_with_the_stale_trigger() -> None:
    alarm = apply(Alarm(), WentStale(cond("go", stale=True, value=71.0)))
    assert (alarm.state, alarm.trigger, alarm.latched_status) == ("unacked", "stale", "go")
    back = apply(alarm, Improved(cond("go", t=3)))
    assert back.state == "rtn_unacked"  # reporting again, but nobody saw it go quiet


def test_a_shelved_alarm_ignores_the_gate_and_resumes_to_the_gate_as_it_is() -> None:
    alarm = apply(STARTS["unacked"], SHELVE)
    assert (alarm.state, alarm.shelved_until, alarm.shelved_by) == ("shelved", at(62), ADA)
    assert alarm.latched_status is None
    for event in (Worsened(NOGO), Reading(NOGO), WentStale(STALE), Improved(GO)):
        assert apply(alarm, event) == alarm
    resumed = apply(alarm, ShelfExpired(cond("no-go", value=97.0, t=62)))
    assert (resumed.state, resumed.latched_status, resumed.peak_value) == ("unacked", "no-go", 97.0)
    assert resumed.shelved_until is None


def test_actions_offered_match_what_apply_accepts() -> None:
    events: dict[rules.Action, Event] = {
        "acknowledge": ACK,
        "shelve": SHELVE,
        "unshelve": UNSHELVE_OK,
    }
    for state, alarm in STARTS.items():
        for action, event in events.items():
            offered = action in rules.actions(state)
            try:
                apply(alarm, event)
                accepted = True
            except InvalidTransition:
                accepted = False
            assert offered == accepted, (state, action)
