"""Pydantic building blocks shared by the domain schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from chiron.kit.time import as_utc


def _text_only(value: object) -> object:
    """JSON has no time type: a time is an RFC 3339 string, never a number read as a Unix time."""
    if isinstance(value, int | float):
        raise ValueError("a time must be an RFC 3339 date-time string")
    return value


# Not strict: FastAPI validates bodies from Python objects, where a strict datetime refuses
# every string. `_text_only` keeps the JSON contract instead.
UTC_DATETIME = Annotated[
    datetime, Field(strict=False), BeforeValidator(_text_only), AfterValidator(as_utc)
]
SOURCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$"
METRIC_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$"

SourceId = Annotated[str, Field(min_length=1, max_length=128, pattern=SOURCE_PATTERN)]
MetricName = Annotated[str, Field(min_length=1, max_length=128, pattern=METRIC_PATTERN)]
Unit = Annotated[str, Field(max_length=32, pattern=r"^[^\x00-\x1f]*$")]
# PostgreSQL text and jsonb refuse NUL; refuse it at the edge instead of failing in the store.
Text = Annotated[str, Field(pattern=r"^[^\x00]*$")]


class Schema(BaseModel):
    """Responses: plain, from ORM attributes."""

    # A response always carries every field: defaults are "required" in the output schema,
    # so generated clients get exact types (and a discriminated TelemetryPayload union).
    model_config = ConfigDict(
        from_attributes=True, json_schema_serialization_defaults_required=True
    )


class InputSchema(BaseModel):
    """Requests: unknown fields are an error, not silently dropped, and JSON types are
    taken as the schema says: "26" is not a number, 1.0 or true not an integer."""

    model_config = ConfigDict(extra="forbid", strict=True)
