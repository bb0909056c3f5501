"""Chiron's own metrics: samples by outcome, ingest latency, gate transitions, publish
failures and open SSE connections, read back through an in-memory metric reader."""

from __future__ import annotations

from typing import Any

import httpx
from opentelemetry.sdk.metrics.export import HistogramDataPoint, InMemoryMetricReader

from chiron.observability import metrics
from chiron.stream.publisher import publish_all
from chiron.timeline.schemas import TimelinePayload
from tests.observability.conftest import Installed
from tests.observability.helpers import batch, ingest


def _points(reader: InMemoryMetricReader, name: str) -> dict[tuple[tuple[str, Any], ...], Any]:
    data = reader.get_metrics_data()
    out: dict[tuple[tuple[str, Any], ...], Any] = {}
    for resource_metrics in data.resource_metrics if data else []:
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                if metric.name != name:
                    continue
                for point in metric.data.data_points:
                    key = tuple(sorted((point.attributes or {}).items()))
                    value = point.count if isinstance(point, HistogramDataPoint) else point.value
                    out[key] = value
    return out


def _value(reader: InMemoryMetricReader, name: str, **attrs: Any) -> Any:
    return _points(reader, name).get(tuple(sorted(attrs.items())), 0)


async def test_samples_by_outcome_and_ingest_latency(
    client: httpx.AsyncClient, auth_headers: dict[str, str], observed: Installed
) -> None:
    reader = observed.metrics
    name, duration = "chiron.samples.ingested", "chiron.ingest.duration"
    before = {o: _value(reader, name, outcome=o) for o in ("accepted", "duplicate", "rejected")}
    batches_before = _value(reader, duration, outcome="accepted")

    body = batch([1.0, 2.0, 3.0])
    first = await ingest(client, auth_headers, body, **{"Idempotency-Key": "k-1"})
    retry = await ingest(client, auth_headers, body, **{"Idempotency-Key": "k-1"})
    refused = await ingest(client, auth_headers, {"samples": [{"source": "r", "value": "x"}] * 2})
    assert (first.status_code, retry.status_code, refused.status_code) == (202, 202, 422)

    assert _value(reader, name, outcome="accepted") - before["accepted"] == 3
    assert _value(reader, name, outcome="duplicate") - before["duplicate"] == 3
    assert _value(reader, name, outcome="rejected") - before["rejected"] == 2
    assert _value(reader, duration, outcome="accepted") - batches_before == 1
    assert _value(reader, duration, outcome="duplicate") >= 1
    assert _value(reader, duration, outcome="rejected") >= 1


async def test_gate_transitions_by_status(
    client: httpx.AsyncClient, auth_headers: dict[str, str], observed: Installed
) -> None:
    gate = {"title": "Bus voltage", "source": "rover-1", "metric": "voltage", "warn": 10.0}
    response = await client.put(
        "/api/v1/gates/bus-voltage", json={**gate, "critical": 20.0}, headers=auth_headers
    )
    assert response.status_code == 201, response.text
    before = _value(observed.metrics, "chiron.gate.transitions", to_status="no-go")
    assert (await ingest(client, auth_headers, batch([25.0]))).status_code == 202
    after = _value(observed.metrics, "chiron.gate.transitions", to_status="no-go")
    assert after - before == 1


class _DownBus:
    name = "down"

    async def publish(self, event: str, data: bytes) -> str:
        raise ConnectionError("bus is down")


async def test_publish_failures_are_counted(observed: Installed) -> None:
    from chiron.timeline.schemas import TimelineEventOut

    before = _value(observed.metrics, "chiron.bus.publish_failures", bus="down")
    event = TimelineEventOut.model_validate(
        {
            "id": 1,
            "ts": "2026-01-01T00:00:00Z",
            "kind": "note",
            "severity": "info",
            "title": "t",
            "body": "",
        }
    )
    assert await publish_all(_DownBus(), [TimelinePayload(event=event)]) is None  # type: ignore[arg-type]
    assert _value(observed.metrics, "chiron.bus.publish_failures", bus="down") - before == 1


class _FakeHub:
    connections = 2


def test_sse_connections_read_the_hubs(observed: Installed) -> None:
    before = _value(observed.metrics, "chiron.sse.connections")
    hub = _FakeHub()
    metrics.watch_hub(hub)  # type: ignore[arg-type]
    assert _value(observed.metrics, "chiron.sse.connections") - before == 2
    del hub


async def test_protocol_doors_count_their_samples_like_the_json_door(
    client: httpx.AsyncClient, auth_headers: dict[str, str], observed: Installed
) -> None:
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
        ExportMetricsServiceRequest,
    )
    from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
    from opentelemetry.proto.metrics.v1.metrics_pb2 import (
        Gauge,
        Metric,
        NumberDataPoint,
        ResourceMetrics,
        ScopeMetrics,
    )
    from opentelemetry.proto.resource.v1.resource_pb2 import Resource

    reader = observed.metrics
    name, duration = "chiron.samples.ingested", "chiron.ingest.duration"
    accepted, rejected = (
        _value(reader, name, outcome="accepted"),
        _value(reader, name, outcome="rejected"),
    )
    batches = _value(reader, duration, outcome="accepted")
    token = auth_headers["Authorization"].removeprefix("Bearer ")
    lp = await client.post(
        "/api/v2/write", content="m,host=h a=1,b=2", headers={"Authorization": f"Token {token}"}
    )
    points = [NumberDataPoint(as_double=1.0)]
    export = ExportMetricsServiceRequest(
        resource_metrics=[
            ResourceMetrics(
                resource=Resource(
                    attributes=[KeyValue(key="host.name", value=AnyValue(string_value="h"))]
                ),
                scope_metrics=[
                    ScopeMetrics(
                        metrics=[
                            Metric(name="ok.metric", gauge=Gauge(data_points=points)),
                            Metric(name="bad-name", gauge=Gauge(data_points=points)),
                        ]
                    )
                ],
            )
        ]
    )
    otlp = await client.post(
        "/v1/metrics",
        content=export.SerializeToString(),
        headers={**auth_headers, "Content-Type": "application/x-protobuf"},
    )
    assert (lp.status_code, otlp.status_code) == (204, 200)
    assert _value(reader, name, outcome="accepted") - accepted == 3
    assert _value(reader, name, outcome="rejected") - rejected == 1
    assert _value(reader, duration, outcome="accepted") - batches == 2
