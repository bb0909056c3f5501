"""Pydantic building blocks shared by the domain schemas."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from chiron.kit.time import as_utc

# What every RFC 3339 date-time starts with. Without it pydantic's parser reads a string of
# digits ("1700000000") as a Unix time.
_DATE_START = r"^[0-9]{4}-"
_date_start = re.compile(_DATE_START)


def _text_only(value: object) -> object:
    if isinstance(value, int | float) or (isinstance(value, str) and not _date_start.match(value)):
        raise ValueError("a time must be an RFC 3339 date-time string")
    return value


class _TextTime:
    """A datetime that is an RFC 3339 string in JSON, never a number read as a Unix time.

    From JSON: a string that starts like a date (checked in Rust: this runs per sample),
    then pydantic's datetime parser. From Python objects, as FastAPI validates bodies and
    query strings, strings and datetimes pass to the lax parser and numbers, or strings
    that do not start like a date, are refused first."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, _source: Any, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.json_or_python_schema(
            json_schema=core_schema.chain_schema(
                [
                    core_schema.str_schema(pattern=_DATE_START),
                    # A str by now: the lax parser (a strict one refuses any Python str).
                    core_schema.datetime_schema(strict=False),
                ]
            ),
            python_schema=core_schema.no_info_before_validator_function(
                _text_only, core_schema.datetime_schema(strict=False)
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, _schema: core_schema.CoreSchema, _handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "date-time"}


TextTime = Annotated[datetime, _TextTime]
UTC_DATETIME = Annotated[TextTime, AfterValidator(as_utc)]


def _integral(value: object) -> object:
    # JSON Schema's `integer` is any number without a fraction: 76.0 is 76. Booleans and
    # strings pass through to the strict integer check, which refuses them.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# An input integer as JSON Schema defines one: `Annotated[int, Field(ge=, le=), Integral]`
# (the bounds first, so they stay in the JSON schema as minimum / maximum).
Integral = BeforeValidator(_integral)

SOURCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$"
METRIC_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$"

SourceId = Annotated[str, Field(min_length=1, max_length=128, pattern=SOURCE_PATTERN)]
MetricName = Annotated[str, Field(min_length=1, max_length=128, pattern=METRIC_PATTERN)]
Unit = Annotated[str, Field(max_length=32, pattern=r"^[^\x00-\x1f]*$")]
# PostgreSQL text and jsonb refuse NUL; refuse it at the edge instead of failing in the store.
Text = Annotated[str, Field(pattern=r"^[^\x00]*$")]
# Sample values and anything aggregated from them: finite, and small enough that a sum of
# many never overflows a double (a bucket would need 1.8e8 samples at the bound).
VALUE_BOUND = 1e300
FiniteValue = Annotated[float, Field(allow_inf_nan=False, ge=-VALUE_BOUND, le=VALUE_BOUND)]


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
