"""The words Chiron's states are written in, once, end to end: the store, the rules, the
schemas (and so the generated web client) all use these literals."""

from __future__ import annotations

from typing import Literal

GateStatus = Literal["go", "hold", "no-go"]
Direction = Literal["above", "below"]  # "above": high is bad; "below": low is bad
MetricSeverity = Literal["ok", "warn", "critical"]  # a reading against its gate's lines
EventSeverity = Literal["info", "warning", "critical"]  # a timeline event
# How a gate stands in the summary's counts: its status when its input is fresh, otherwise
# why it cannot be trusted (gone quiet, or never heard from). Never GO without data.
GateStanding = Literal["go", "hold", "no-go", "stale", "no_data"]
