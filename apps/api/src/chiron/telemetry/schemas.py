"""Ingest, summary and series shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt, StrictStr
from typing_extensions import TypedDict

from chiron.gates.alarm_rules import AlarmState
from chiron.gates.rules import MetricSeverity
from chiron.gates.schemas import Direction, Gate, GateTransition
from chiron.kit.schema import (
    VALUE_BOUND,
    FiniteValue,
    InputSchema,
    MetricName,
    Schema,
    SourceId,
    TextTime,
    Unit,
)
from chiron.stream.messages import Payload
from chiron.vocabulary import GateStanding

# Numbers in attrs are exact in any JSON reader (a double holds every integer up to 2^53):
# larger ones, integer or not, are refused rather than silently rounded, so the schema (which
# cannot tell 2^60 from 2^60.0) and the behaviour agree.
ATTR_NUMBER_BOUND = 2**53
AttrValue = (
    Annotated[StrictStr, Field(max_length=256, pattern=r"^[^\x00]*$")]
    | Annotated[StrictInt, Field(ge=-ATTR_NUMBER_BOUND, le=ATTR_NUMBER_BOUND)]
    | Annotated[
        StrictFloat,
        # Open bounds: an integer just past 2^53 rounds to 2^53 as a double.
        Field(allow_inf_nan=False, gt=-ATTR_NUMBER_BOUND, lt=ATTR_NUMBER_BOUND),
    ]
    | StrictBool
)
AttrKey = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")]


def _keys_as_property_names(schema: dict[str, Any]) -> None:
    """Pydantic writes a dict with a key pattern as `patternProperties`, which leaves any
    other key open with any value; the API refuses those keys, so say so: the pattern goes
    into `propertyNames` and the value schema into `additionalProperties`."""
    ((pattern, values),) = schema.pop("patternProperties").items()
    schema["propertyNames"] = {**schema.get("propertyNames", {}), "pattern": pattern}
    schema["additionalProperties"] = values


Attrs = Annotated[
    dict[AttrKey, AttrValue], Field(max_length=16, json_schema_extra=_keys_as_property_names)
]
# Numbers only: a JSON string such as "1.5" is refused rather than coerced. One float type
# (not a float | int union) so the bound is checked natively even on a 4,000-digit integer.
SampleValue = Annotated[
    FiniteValue, Field(strict=True, description=f"A finite number within ±{VALUE_BOUND:g}")
]


class SampleIn(InputSchema):
    source: SourceId
    metric: MetricName
    value: SampleValue
    unit: Unit | None = None
    # Normalized to UTC by the ingest service, in the one pass it makes over the batch
    # (a validator here would be a Python call per sample on the hot path).
    ts: TextTime | None = Field(
        None,
        description="Device time (RFC 3339); the receive time when absent. Refused (422) when "
        "more than CHIRON_FUTURE_TOLERANCE_S (300) seconds ahead of the server clock or "
        "more than CHIRON_MAX_AGE_DAYS (1825) days behind it.",
    )
    attrs: Attrs | None = None


class SampleBatch(InputSchema):
    samples: Annotated[list[SampleIn], Field(min_length=1, max_length=5000)]


class IngestResult(Schema):
    accepted: int = Field(description="Samples stored by this request")
    duplicates: int = Field(description="Samples not stored again because the batch was a retry")
    gate_transitions: list[GateTransition]
    last_event_id: str | None = Field(None, description="Bus position of this batch's message")


# Points are TypedDicts, not models: a summary carries thousands and a series up to 2,000,
# and validating plain dicts skips building a model object per point (~4x cheaper).


class SparkPoint(TypedDict):
    ts: Annotated[datetime, Field(description="Bucket start")]
    value: Annotated[float, Field(description="The bucket's mean")]
    min: float
    max: float


class MetricSummary(Schema):
    source: str
    metric: str
    unit: str | None
    value: float
    ts: datetime
    severity: MetricSeverity
    stale: bool
    last_seen_at: datetime
    stale_after_s: float
    warn: float | None = None
    critical: float | None = None
    direction: Direction | None = None
    sparkline: list[SparkPoint]


class Counts(Schema):
    samples_total: int
    sources: int
    metrics: int
    events_24h: int
    gates: dict[GateStanding, int] = Field(
        description="Gates by standing: go / hold / no-go count only gates whose input is "
        "fresh; stale and no_data are counted apart"
    )
    alarms: dict[AlarmState, int] = Field(description="Gates' alarms by state")


class SourceClock(Schema):
    """How far a source's clock is from the server's (docs/clock-skew.md)."""

    source: str
    skew_s: float = Field(
        description="Median of receive time minus device time over the source's latest "
        "samples (one per metric): positive when the device's clock is behind"
    )
    skewed: bool = Field(description="|skew_s| is over CHIRON_SKEW_WARN_S")


class Summary(Schema):
    generated_at: datetime
    last_event_id: str | None = Field(description="Stream position this snapshot is current to")
    gates: list[Gate]
    metrics: list[MetricSummary]
    counts: Counts
    sources: list[SourceClock] = Field(description="Each source's clock skew, by source")


class SeriesPoint(TypedDict):
    ts: Annotated[datetime, Field(description="Bucket start")]
    min: float
    max: float
    mean: float
    count: int


class Series(Schema):
    source: str
    metric: str
    unit: str | None
    bucket_seconds: float
    points: list[SeriesPoint]


class StreamSample(Schema):
    source: str
    metric: str
    value: float
    unit: str | None = None
    ts: datetime
    severity: MetricSeverity = Field(
        description="The value against its gate's lines, decided by the server"
    )


class MetricState(Schema):
    """A series' freshness, as the staleness sweep (stale) or ingest (fresh) decided it."""

    source: str
    metric: str
    stale: bool
    last_seen_at: datetime
    stale_after_s: float


# A series went stale, or reports again.
class MetricPayload(Payload):
    type: Literal["metric"] = "metric"
    metric: MetricState


# A batch, as the stream carries it (ingest encodes it straight from its columns).
class SamplesPayload(Payload):
    type: Literal["samples"] = "samples"
    samples: list[StreamSample]
