"""Sample dicts from a protocol front door, validated by the same `SampleIn` schema as the
JSON door's batch (names, bounds, attrs), so a sample is a sample whichever way it came."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from chiron.telemetry.schemas import SampleIn

_SAMPLES: TypeAdapter[list[SampleIn]] = TypeAdapter(list[SampleIn])
_SAMPLE: TypeAdapter[SampleIn] = TypeAdapter(SampleIn)


def validate_all(samples: list[dict[str, Any]]) -> list[SampleIn]:
    """All of them, or `ValidationError` (locations start with the sample's index)."""
    return _SAMPLES.validate_python(samples)


def validate_one(sample: dict[str, Any]) -> SampleIn | str:
    """The sample, or why it is refused (one line, for a partial-success message)."""
    try:
        return _SAMPLE.validate_python(sample)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(part) for part in err.get("loc", ()))
        return f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", "invalid")


__all__ = ["ValidationError", "validate_all", "validate_one"]
