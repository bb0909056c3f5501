"""OTLP/HTTP metrics: decode an `ExportMetricsServiceRequest` (protobuf or the OTLP JSON
encoding) and map it to the samples the one ingest pipeline takes.

Mapping (DESIGN, "Device protocols"): gauge and sum points become samples of the metric's
name (a sum's value as sent: the running total for cumulative temporality, the change for
delta); a histogram or exponential histogram point becomes `<name>.count`, `<name>.sum`,
`<name>.min` and `<name>.max` (those it carries); a summary point `<name>.count` and
`<name>.sum`. The source is the resource attribute named by `CHIRON_OTLP_SOURCE_ATTR`
(default `service.instance.id`), then `host.name`, then `service.name`; point attributes
become attrs, the metric's unit the sample's unit, `time_unix_nano` the device time (to the
microsecond). A point Chiron cannot store (no source, a name or attribute outside the sample
schema, a time outside the accepted window, no value) is left out and counted in the
response's `partial_success`, as the OTLP specification asks; the rest are stored.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from google.protobuf import json_format  # type: ignore[import-untyped]
from google.protobuf.message import (  # type: ignore[import-untyped]
    DecodeError as ProtobufDecodeError,
)
from google.rpc import status_pb2  # type: ignore[import-untyped]
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

from chiron.config import Settings
from chiron.errors import UnsupportedMediaType
from chiron.kit.time import clock_window, utcnow
from chiron.telemetry.protocols.samples import validate_one
from chiron.telemetry.schemas import ATTR_NUMBER_BOUND, SampleIn

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
_NO_RECORDED_VALUE = 1  # DataPointFlags.FLAG_NO_RECORDED_VALUE_MASK
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_ERRORS = 5  # reasons quoted in partial_success.error_message


class Unsupported(UnsupportedMediaType):
    pass


class DecodeError(ValueError):
    pass


class TooManyPoints(ValueError):
    pass


# One export's samples at most (as a line-protocol write's): more is refused as too large.
MAX_SAMPLES = 50_000


def _media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def supported(content_type: str) -> bool:
    return _media_type(content_type) in (PROTOBUF, JSON)


def wants_json(content_type: str) -> bool:
    return _media_type(content_type) == JSON


def decode(body: bytes, *, as_json: bool) -> ExportMetricsServiceRequest:
    request = ExportMetricsServiceRequest()
    if not as_json:
        try:
            request.ParseFromString(body)
        except (ProtobufDecodeError, RecursionError, ValueError) as exc:
            raise DecodeError(f"The body is not an ExportMetricsServiceRequest: {exc}") from None
        return request
    try:
        document = orjson.loads(body)
        if not isinstance(document, dict):
            raise DecodeError("The body must be a JSON object (ExportMetricsServiceRequest)")
        _drop_exemplars(document)
        json_format.ParseDict(document, request, ignore_unknown_fields=True)
    except DecodeError:
        raise
    except (orjson.JSONDecodeError, json_format.ParseError, ValueError, TypeError) as exc:
        raise DecodeError(f"The body is not OTLP JSON: {str(exc)[:200]}") from None
    return request


def _drop_exemplars(document: dict[str, Any]) -> None:
    """Exemplars are not stored, and OTLP JSON writes their trace and span ids in hex where
    the generic protobuf JSON reader expects base64: leave them out before reading."""
    for rm in _items(document, "resourceMetrics", "resource_metrics"):
        for sm in _items(rm, "scopeMetrics", "scope_metrics"):
            for metric in _items(sm, "metrics"):
                for kind in metric.values():
                    for point in _items(kind, "dataPoints", "data_points"):
                        point.pop("exemplars", None)


def _items(parent: object, *names: str) -> Iterator[dict[str, Any]]:
    if not isinstance(parent, dict):
        return
    for name in names:
        value = parent.get(name)
        if isinstance(value, list):
            yield from (item for item in value if isinstance(item, dict))


# ---- mapping ---------------------------------------------------------------------------


@dataclass(slots=True)
class Mapped:
    samples: list[SampleIn] = field(default_factory=list)
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)
    now: datetime = field(default_factory=utcnow)

    def reject(self, count: int, reason: str) -> None:
        self.rejected += count
        if len(self.reasons) < _MAX_ERRORS and reason not in self.reasons:
            self.reasons.append(reason)


def _any_value(value: AnyValue) -> str | int | float | bool | None:
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "int_value":
        number = value.int_value
        return number if abs(number) <= ATTR_NUMBER_BOUND else str(number)
    if kind == "double_value":
        real = value.double_value
        return real if math.isfinite(real) and abs(real) < ATTR_NUMBER_BOUND else repr(real)
    if kind == "bytes_value":
        return base64.b64encode(value.bytes_value).decode()
    # Arrays and maps: their JSON text.
    plain = json_format.MessageToDict(value)
    return orjson.dumps(plain).decode()


def _attributes(attributes: Iterable[KeyValue]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kv in attributes:
        value = _any_value(kv.value)
        if value is not None:
            out[kv.key] = value
    return out


def _source(resource: dict[str, Any], settings: Settings) -> str | None:
    for name in dict.fromkeys((settings.otlp_source_attr, "host.name", "service.name")):
        value = resource.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def _time(ns: int) -> datetime | None:
    if ns == 0:
        return None
    return _EPOCH + timedelta(microseconds=ns // 1_000)


def _number(point: Any) -> float | None:
    kind = point.WhichOneof("value")
    if kind == "as_double":
        return float(point.as_double)
    if kind == "as_int":
        return float(point.as_int)
    return None


def _point_values(metric: Any) -> Iterator[tuple[Any, list[tuple[str, float | None]]]]:
    """Each data point of a metric, with its (metric name, value) pairs."""
    name = metric.name
    kind = metric.WhichOneof("data")
    if kind in ("gauge", "sum"):
        for point in getattr(metric, kind).data_points:
            yield point, [(name, _number(point))]
    elif kind in ("histogram", "exponential_histogram"):
        for point in getattr(metric, kind).data_points:
            values: list[tuple[str, float | None]] = [(f"{name}.count", float(point.count))]
            if point.HasField("sum"):
                values.append((f"{name}.sum", point.sum))
            if point.HasField("min"):
                values.append((f"{name}.min", point.min))
            if point.HasField("max"):
                values.append((f"{name}.max", point.max))
            yield point, values
    elif kind == "summary":
        for point in metric.summary.data_points:
            yield point, [(f"{name}.count", float(point.count)), (f"{name}.sum", point.sum)]


def to_samples(request: ExportMetricsServiceRequest, settings: Settings) -> Mapped:
    mapped = Mapped()
    earliest, latest = clock_window(mapped.now, settings.future_tolerance_s, settings.max_age_days)
    for rm in request.resource_metrics:
        resource = _attributes(rm.resource.attributes)
        source = _source(resource, settings)
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                unit = metric.unit or None
                points = list(_point_values(metric))
                if source is None:
                    mapped.reject(
                        len(points),
                        f"no source: the resource has none of {settings.otlp_source_attr}, "
                        "host.name, service.name",
                    )
                    continue
                if metric.WhichOneof("data") is None:
                    continue
                for point, values in points:
                    _map_point(mapped, source, unit, point, values, earliest, latest)
                if len(mapped.samples) > MAX_SAMPLES:
                    raise TooManyPoints(f"more than {MAX_SAMPLES} samples in one export")
    return mapped


def _map_point(
    mapped: Mapped,
    source: str,
    unit: str | None,
    point: Any,
    values: list[tuple[str, float | None]],
    earliest: datetime,
    latest: datetime,
) -> None:
    if point.flags & _NO_RECORDED_VALUE:
        return  # a point that says it has no value: nothing to store, nothing refused
    try:
        ts = _time(point.time_unix_nano)
    except OverflowError:
        ts = _EPOCH - timedelta(days=1)  # refused by the window below
    if ts is not None and not earliest <= ts <= latest:
        mapped.reject(1, "time_unix_nano outside the accepted window")
        return
    attrs = _attributes(point.attributes) or None
    samples: list[SampleIn] = []
    for name, value in values:
        if value is None:
            mapped.reject(1, f"{name}: the point has no value")
            return
        checked = validate_one(
            {
                "source": source,
                "metric": name,
                "value": value,
                "unit": unit,
                "ts": ts,
                "attrs": attrs,
            }
        )
        if isinstance(checked, str):
            mapped.reject(1, f"{name}: {checked}")
            return
        samples.append(checked)
    mapped.samples.extend(samples)


# ---- answers ---------------------------------------------------------------------------


def export_response(mapped: Mapped, *, as_json: bool) -> tuple[bytes, str]:
    response = ExportMetricsServiceResponse()
    if mapped.rejected:
        response.partial_success.rejected_data_points = mapped.rejected
        response.partial_success.error_message = "; ".join(mapped.reasons)
    if as_json:
        return json_format.MessageToJson(response, indent=None).encode(), JSON
    return response.SerializeToString(), PROTOBUF


# google.rpc.Code for each HTTP status Chiron answers OTLP with.
_RPC_CODES = {400: 3, 401: 16, 403: 7, 404: 5, 408: 4, 409: 10, 413: 8, 415: 3, 422: 3, 429: 8}


def status_body(http_status: int, message: str, *, as_json: bool) -> tuple[bytes, str]:
    status = status_pb2.Status(code=_RPC_CODES.get(http_status, 14), message=message)
    if as_json:
        return json_format.MessageToJson(status, indent=None).encode(), JSON
    return status.SerializeToString(), PROTOBUF
