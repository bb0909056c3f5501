"""Gate rules without a store: classification, hysteresis, min_violations."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chiron.gates.rules import GateState, Thresholds, step

ABOVE = Thresholds(warn=80, critical=90, direction="above", hysteresis=2)
BELOW = Thresholds(warn=30, critical=15, direction="below", hysteresis=3)


def run(rules: Thresholds, values: list[float], status: str = "go") -> list[str]:
    state = GateState(status)
    out = []
    for value in values:
        state = step(rules, state, value)
        out.append(state.status)
    return out


def transitions(statuses: list[str], start: str = "go") -> int:
    return sum(1 for a, b in zip([start, *statuses], statuses, strict=False) if a != b)


def test_classification_in_both_directions() -> None:
    assert [ABOVE.classify(v) for v in (79.9, 80, 89.9, 90, 120)] == [
        "go",
        "hold",
        "hold",
        "no-go",
        "no-go",
    ]
    assert [BELOW.classify(v) for v in (31, 30, 16, 15, 0)] == [
        "go",
        "hold",
        "hold",
        "no-go",
        "no-go",
    ]


def test_a_value_hovering_at_a_threshold_makes_one_transition_not_many() -> None:
    hovering = [79.5, 80.1, 79.8, 80.2, 79.0, 80.0, 78.5, 80.3] * 5
    statuses = run(ABOVE, hovering)
    assert transitions(statuses) == 1
    assert statuses[-1] == "hold"


def test_improving_needs_to_clear_the_line_by_the_margin() -> None:
    assert run(ABOVE, [85, 79, 78.5, 77.9]) == ["hold", "hold", "hold", "go"]
    assert run(BELOW, [20, 31, 33.1]) == ["hold", "hold", "go"]
    # Straight from no-go to go when the value clears both lines.
    assert run(ABOVE, [95, 60]) == ["no-go", "go"]
    # From no-go down to hold when it clears critical but not warn.
    assert run(ABOVE, [95, 85]) == ["no-go", "hold"]


def test_min_violations_ignores_a_single_spike() -> None:
    rules = Thresholds(80, 90, "above", 0, min_violations=3)
    assert run(rules, [70, 95, 70, 71]) == ["go", "go", "go", "go"]
    assert run(rules, [95, 95, 95]) == ["go", "go", "no-go"]
    # The count must be consecutive.
    assert run(rules, [95, 95, 70, 95, 95]) == ["go", "go", "go", "go", "go"]


@given(st.lists(st.floats(min_value=75, max_value=85, allow_nan=False), min_size=1, max_size=200))
def test_noise_narrower_than_the_margin_never_flaps(values: list[float]) -> None:
    # Values within +/-2 of a line, hysteresis 4: at most one transition each way.
    rules = Thresholds(80, 120, "above", hysteresis=6)
    statuses = run(rules, values)
    assert transitions(statuses) <= 1
