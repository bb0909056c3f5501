"""Samples from a protocol front door, checked against the same schema types as the JSON
door's batch (`SampleIn`: source and metric names, value bounds, attrs), so a sample is a
sample whichever way it came.

A line-protocol write repeats the same few names thousands of times: `Checker` validates
each distinct source, metric name and attribute set once per write (with the schema's own
types) and hands the pipeline light `Sample` tuples, not a model object per sample."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from pydantic import TypeAdapter, ValidationError

from chiron.kit.schema import VALUE_BOUND, MetricName, SourceId
from chiron.telemetry.schemas import Attrs, SampleIn

_SAMPLE: TypeAdapter[SampleIn] = TypeAdapter(SampleIn)
_SOURCE: TypeAdapter[str] = TypeAdapter(SourceId)
_METRIC: TypeAdapter[str] = TypeAdapter(MetricName)
_ATTRS: TypeAdapter[dict[str, Any]] = TypeAdapter(Attrs)


class Sample(NamedTuple):
    source: str
    metric: str
    value: float
    unit: str | None
    ts: datetime | None
    attrs: dict[str, Any] | None


class Refused(ValueError):
    """A name, value or attribute set the sample schema refuses; the message says which."""


def _reason(what: str, value: object, exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(part) for part in err.get("loc", ()))
    shown = f"{what} {value!r}" if isinstance(value, str) else what
    return f"{shown}{'.' + where if where else ''}: {err.get('msg', 'invalid')}"


class Checker:
    """Validation with a memory, for one write."""

    def __init__(self) -> None:
        self._sources: set[str] = set()
        self._metrics: set[str] = set()

    def source(self, value: str) -> str:
        if value not in self._sources:
            try:
                _SOURCE.validate_python(value)
            except ValidationError as exc:
                raise Refused(_reason("source", value, exc)) from None
            self._sources.add(value)
        return value

    def metric(self, value: str) -> str:
        if value not in self._metrics:
            try:
                _METRIC.validate_python(value)
            except ValidationError as exc:
                raise Refused(_reason("metric", value, exc)) from None
            self._metrics.add(value)
        return value

    @staticmethod
    def attrs(value: dict[str, Any]) -> dict[str, Any] | None:
        if not value:
            return None
        try:
            return _ATTRS.validate_python(value)
        except ValidationError as exc:
            raise Refused(_reason("attrs", None, exc)) from None

    @staticmethod
    def value(value: float) -> float:
        if not -VALUE_BOUND <= value <= VALUE_BOUND:
            raise Refused(f"value {value!r}: outside ±{VALUE_BOUND:g}")
        return value


def validate_one(sample: dict[str, Any]) -> SampleIn | str:
    """The sample, or why it is refused (one line, for a partial-success message)."""
    try:
        return _SAMPLE.validate_python(sample)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(part) for part in err.get("loc", ()))
        return f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", "invalid")


__all__ = ["Checker", "Refused", "Sample", "validate_one"]
