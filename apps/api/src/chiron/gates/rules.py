"""Gate rules, pure: classify a value, and step a gate's state with hysteresis.

A gate worsens only after `min_violations` consecutive samples beyond a threshold, and
improves only once the value has cleared the threshold by `hysteresis`, so a value
hovering at a line does not flap the gate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from chiron.vocabulary import Direction, EventSeverity, GateStatus, MetricSeverity

__all__ = ["Direction", "EventSeverity", "GateStatus", "MetricSeverity"]

SEVERITY: dict[GateStatus, int] = {"go": 0, "hold": 1, "no-go": 2}
STATUSES: tuple[GateStatus, ...] = ("go", "hold", "no-go")


@dataclass(frozen=True, slots=True)
class Thresholds:
    warn: float
    critical: float
    direction: Direction  # "above": high is bad; "below": low is bad
    hysteresis: float = 0.0
    min_violations: int = 1

    def classify(self, value: float, margin: float = 0.0) -> GateStatus:
        """The status `value` calls for; `margin` moves both lines toward "better"."""
        if self.direction == "above":
            if value >= self.critical - margin:
                return "no-go"
            if value >= self.warn - margin:
                return "hold"
            return "go"
        if value <= self.critical + margin:
            return "no-go"
        if value <= self.warn + margin:
            return "hold"
        return "go"

    def threshold_for(self, status: GateStatus) -> float:
        """The line that explains `status`: critical for no-go, warn otherwise."""
        return self.critical if status == "no-go" else self.warn


@dataclass(frozen=True, slots=True)
class GateState:
    status: GateStatus
    violations: int = 0


def step(rules: Thresholds, state: GateState, value: float) -> GateState:
    """The gate's state after one more sample, in device-time order."""
    wanted = rules.classify(value)
    current = SEVERITY[state.status]
    if SEVERITY[wanted] > current:
        violations = state.violations + 1
        if violations >= rules.min_violations:
            return GateState(wanted, 0)
        return replace(state, violations=violations)
    if SEVERITY[wanted] < current:
        # Improving must clear the line by the hysteresis margin.
        cleared = rules.classify(value, margin=rules.hysteresis)
        if SEVERITY[cleared] < current:
            return GateState(cleared, 0)
    return GateState(state.status, 0)


_EVENT_SEVERITY: dict[GateStatus, EventSeverity] = {
    "go": "info",
    "hold": "warning",
    "no-go": "critical",
}
_METRIC_SEVERITY: dict[GateStatus, MetricSeverity] = {
    "go": "ok",
    "hold": "warn",
    "no-go": "critical",
}


def severity_of_status(status: GateStatus) -> EventSeverity:
    """Timeline severity for a gate now in `status`."""
    return _EVENT_SEVERITY[status]


def metric_severity(rules: Thresholds | None, value: float) -> MetricSeverity:
    """ok / warn / critical for a metric's latest value (no hysteresis: it is a reading; a
    value exactly at a line is beyond it, as for gates)."""
    if rules is None:
        return "ok"
    return _METRIC_SEVERITY[rules.classify(value)]
