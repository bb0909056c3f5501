"""OTLP/HTTP metrics: the OpenTelemetry Python SDK's OTLP/HTTP exporter (nobody here wrote
it) exports to /v1/metrics and the summary and series return exactly what it recorded;
hand-made protobuf and JSON bodies cover the mapping, partial_success and the errors."""

from __future__ import annotations

import asyncio
import gzip
from datetime import datetime, timedelta
from typing import Any

import httpx
import hypothesis
import orjson
import pytest
from google.rpc import status_pb2
from hypothesis import strategies as st
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.metrics.v1.metrics_pb2 import (
    Gauge,
    Metric,
    NumberDataPoint,
    ResourceMetrics,
    ScopeMetrics,
)
from opentelemetry.proto.resource.v1.resource_pb2 import Resource as ProtoResource
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource

from chiron.config import Settings
from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.telemetry.protocols import otlp
from tests.fixtures.auth import MakeToken
from tests.fixtures.factories import store_counts
from tests.fixtures.server import serve

METRICS = "/v1/metrics"
SUMMARY = "/api/v1/dashboard/summary"
PROTOBUF = {"Content-Type": "application/x-protobuf"}


async def _metrics(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> dict[tuple[str, str], Any]:
    response = await client.get(SUMMARY, headers=headers)
    assert response.status_code == 200, response.text
    return {(m["source"], m["metric"]): m for m in response.json()["metrics"]}


def _export_with_sdk(url: str, token: str) -> None:
    exporter = OTLPMetricExporter(
        endpoint=f"{url}{METRICS}",
        headers={"Authorization": f"Bearer {token}"},
        compression=Compression.Gzip,
    )
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
    resource = Resource.create({"service.name": "checkout", "service.instance.id": "pod-7"})
    provider = MeterProvider(resource=resource, metric_readers=[reader])
    meter = provider.get_meter("chiron-test")
    requests = meter.create_counter("http.requests", unit="{request}")
    requests.add(3, {"route": "/a"})
    requests.add(4, {"route": "/a"})
    latency = meter.create_histogram("http.latency", unit="ms")
    for value in (1.0, 2.0, 10.0):
        latency.record(value)
    temperature = meter.create_gauge("cabin.temperature", unit="Cel")
    temperature.set(21.5)
    queue = meter.create_up_down_counter("queue.depth")
    queue.add(5)
    queue.add(-2)
    provider.shutdown()  # one final collection, exported once


async def test_the_sdk_exporter_stores_what_it_recorded(
    app: object, client: httpx.AsyncClient, make_token: MakeToken, auth_headers: dict[str, str]
) -> None:
    token = await make_token(["ingest"])
    before = utcnow()
    async with serve(app) as url:
        await asyncio.to_thread(_export_with_sdk, url, token)
    after = utcnow()
    metrics = await _metrics(client, auth_headers)
    got = {key: m["value"] for key, m in metrics.items()}
    assert got == {
        ("pod-7", "http.requests"): 7.0,
        ("pod-7", "http.latency.count"): 3.0,
        ("pod-7", "http.latency.sum"): 13.0,
        ("pod-7", "http.latency.min"): 1.0,
        ("pod-7", "http.latency.max"): 10.0,
        ("pod-7", "cabin.temperature"): 21.5,
        ("pod-7", "queue.depth"): 3.0,
    }
    assert metrics[("pod-7", "cabin.temperature")]["unit"] == "Cel"
    for m in metrics.values():
        assert before - timedelta(seconds=1) <= datetime.fromisoformat(m["ts"]) <= after
    series = await client.get(
        "/api/v1/dashboard/series",
        params={"source": "pod-7", "metric": "http.requests"},
        headers=auth_headers,
    )
    assert [p["count"] for p in series.json()["points"] if p["count"]] == [1]


def _gauge(name: str, value: float, *, ts: datetime | None = None, **attrs: str) -> Metric:
    point = NumberDataPoint(
        as_double=value,
        time_unix_nano=int((ts or utcnow()).timestamp() * 1e9),
        attributes=[KeyValue(key=k, value=AnyValue(string_value=v)) for k, v in attrs.items()],
    )
    return Metric(name=name, gauge=Gauge(data_points=[point]))


def _request(*metrics: Metric, **resource: str) -> ExportMetricsServiceRequest:
    attrs = resource or {"service.instance.id": "node-1"}
    return ExportMetricsServiceRequest(
        resource_metrics=[
            ResourceMetrics(
                resource=ProtoResource(
                    attributes=[
                        KeyValue(key=k, value=AnyValue(string_value=v)) for k, v in attrs.items()
                    ]
                ),
                scope_metrics=[ScopeMetrics(metrics=list(metrics))],
            )
        ]
    )


async def test_rejected_points_are_reported_in_partial_success_and_the_rest_stored(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    body = _request(
        _gauge("good.metric", 1.5, zone="a"),
        _gauge("bad-name", 2.0),
        _gauge("too.new", 3.0, ts=utcnow() + timedelta(hours=1)),
    ).SerializeToString()
    response = await client.post(METRICS, content=body, headers={**auth_headers, **PROTOBUF})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-protobuf"
    answer = ExportMetricsServiceResponse.FromString(response.content)
    assert answer.partial_success.rejected_data_points == 2
    assert "bad-name" in answer.partial_success.error_message
    assert "window" in answer.partial_success.error_message
    metrics = await _metrics(client, auth_headers)
    assert set(metrics) == {("node-1", "good.metric")}


async def test_a_fully_accepted_export_leaves_partial_success_unset(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    body = _request(_gauge("ok.metric", 1.0)).SerializeToString()
    response = await client.post(METRICS, content=body, headers={**auth_headers, **PROTOBUF})
    assert response.status_code == 200
    assert not ExportMetricsServiceResponse.FromString(response.content).HasField("partial_success")


async def test_otlp_json_with_gzip_is_accepted(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    ts = utcnow().replace(microsecond=250000)
    ns = str(int(ts.timestamp()) * 1_000_000_000 + 250_000_000)
    document = {
        "resourceMetrics": [
            {
                "resource": {
                    "attributes": [{"key": "host.name", "value": {"stringValue": "edge-3"}}]
                },
                "scopeMetrics": [
                    {
                        "metrics": [
                            {
                                "name": "disk.free",
                                "unit": "By",
                                "sum": {
                                    "aggregationTemporality": 2,
                                    "isMonotonic": False,
                                    "dataPoints": [
                                        {
                                            "timeUnixNano": ns,
                                            "asInt": "9007199254740993",
                                            "attributes": [
                                                {"key": "device", "value": {"stringValue": "sda"}}
                                            ],
                                            # OTLP JSON writes ids in hex, not base64.
                                            "exemplars": [
                                                {
                                                    "asDouble": 1,
                                                    "traceId": "5b8efff798038103d269b633813fc60c",
                                                    "spanId": "eee19b7ec3c1b174",
                                                }
                                            ],
                                        }
                                    ],
                                },
                            }
                        ]
                    }
                ],
            }
        ]
    }
    response = await client.post(
        METRICS,
        content=gzip.compress(orjson.dumps(document)),
        headers={**auth_headers, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert "partialSuccess" not in response.json()
    metric = (await _metrics(client, auth_headers))[("edge-3", "disk.free")]
    assert metric["value"] == float(9007199254740993)
    assert metric["unit"] == "By"
    assert datetime.fromisoformat(metric["ts"]) == ts


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"\xff\xff\xff\xff not protobuf", "application/x-protobuf"),
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'{"resourceMetrics": "nope"}', "application/json"),
    ],
)
async def test_malformed_bodies_are_400_with_a_status_and_store_nothing(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    db: Database,
    content: bytes,
    content_type: str,
) -> None:
    response = await client.post(
        METRICS, content=content, headers={**auth_headers, "Content-Type": content_type}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == content_type
    if content_type == "application/json":
        status = response.json()
        assert status["code"] == 3
        assert status["message"]
    else:
        status_pb = status_pb2.Status.FromString(response.content)
        assert status_pb.code == 3
        assert "ExportMetricsServiceRequest" in status_pb.message
    assert (await store_counts(db))["telemetry_samples"] == 0


async def test_an_unsupported_content_type_is_415_and_credentials_401_403(
    client: httpx.AsyncClient, make_token: MakeToken, auth_headers: dict[str, str], db: Database
) -> None:
    body = _request(_gauge("ok.metric", 1.0)).SerializeToString()
    unsupported = await client.post(
        METRICS, content=body, headers={**auth_headers, "Content-Type": "text/plain"}
    )
    assert unsupported.status_code == 415
    missing = await client.post(METRICS, content=body, headers=PROTOBUF)
    assert missing.status_code == 401
    assert status_pb2.Status.FromString(missing.content).code == 16
    read_only = await make_token(["read"])
    forbidden = await client.post(
        METRICS, content=body, headers={"Authorization": f"Bearer {read_only}", **PROTOBUF}
    )
    assert forbidden.status_code == 403
    assert status_pb2.Status.FromString(forbidden.content).code == 7
    too_large = await client.post(
        METRICS,
        content=gzip.compress(b"\0" * (5 * 1024 * 1024)),
        headers={**auth_headers, **PROTOBUF, "Content-Encoding": "gzip"},
    )
    assert too_large.status_code == 413
    assert status_pb2.Status.FromString(too_large.content).code == 8
    assert (await store_counts(db))["telemetry_samples"] == 0


def test_the_source_attribute_falls_back_to_host_then_service_name(settings: Settings) -> None:
    def source(configured: Settings, **resource: str) -> str | None:
        mapped = otlp.to_samples(_request(_gauge("m", 1.0), **resource), configured)
        return mapped.samples[0].source if mapped.samples else None

    both = {"service.instance.id": "i-1", "host.name": "h-1", "service.name": "svc"}
    assert source(settings, **both) == "i-1"
    assert source(settings, **{"host.name": "h-1", "service.name": "svc"}) == "h-1"
    assert source(settings, **{"service.name": "svc"}) == "svc"
    assert source(settings, **{"telemetry.sdk.name": "x"}) is None
    custom = settings.model_copy(update={"otlp_source_attr": "device.id"})
    assert source(custom, **{"device.id": "d-9", **both}) == "d-9"


async def test_an_export_of_more_samples_than_one_transaction_takes_is_413(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(otlp, "MAX_SAMPLES", 1)
    body = _request(_gauge("a.metric", 1.0), _gauge("b.metric", 2.0)).SerializeToString()
    response = await client.post(METRICS, content=body, headers={**auth_headers, **PROTOBUF})
    assert response.status_code == 413
    assert status_pb2.Status.FromString(response.content).code == 8
    assert (await store_counts(db))["telemetry_samples"] == 0


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(st.binary(max_size=300), st.booleans())
def test_any_body_decodes_maps_or_is_a_decode_error(body: bytes, as_json: bool) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    try:
        decoded = otlp.decode(body, as_json=as_json)
    except otlp.DecodeError:
        return
    mapped = otlp.to_samples(decoded, settings)
    assert mapped.rejected >= 0
