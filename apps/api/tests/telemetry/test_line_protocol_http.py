"""InfluxDB line protocol over HTTP: the influxdb-client library (nobody here wrote it) writes
to /api/v2/write and the summary and series return exactly what it sent; /write (v1) takes
HTTP Basic; bad bodies get InfluxDB's error and store nothing."""

from __future__ import annotations

import asyncio
import base64
import gzip
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
from google.protobuf import json_format
from influxdb_client import InfluxDBClient, Point, WritePrecision
from influxdb_client.client.write_api import SYNCHRONOUS
from influxdb_client.rest import ApiException

from chiron.db import Database
from chiron.kit.time import utcnow
from tests.fixtures.auth import MakeToken
from tests.fixtures.factories import INGEST, put_gate, store_counts
from tests.fixtures.server import serve

V2 = "/api/v2/write"
V1 = "/write"
SUMMARY = "/api/v1/dashboard/summary"


def _ns(ts: datetime) -> int:
    return int(ts.timestamp()) * 1_000_000_000 + ts.microsecond * 1_000


async def _metrics(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> dict[tuple[str, str], Any]:
    response = await client.get(SUMMARY, headers=headers)
    assert response.status_code == 200, response.text
    return {(m["source"], m["metric"]): m for m in response.json()["metrics"]}


async def _series(
    client: httpx.AsyncClient, headers: dict[str, str], source: str, metric: str, start: datetime
) -> list[dict[str, Any]]:
    response = await client.get(
        "/api/v1/dashboard/series",
        params={
            "source": source,
            "metric": metric,
            "from": (start - timedelta(minutes=5)).isoformat(),
            "to": (start + timedelta(minutes=5)).isoformat(),
            "points": 2000,
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()["points"]  # type: ignore[no-any-return]


def otlp_request(metric: str, value: float, *, source: str) -> Any:
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
        ExportMetricsServiceRequest,
    )

    return json_format.ParseDict(
        {
            "resourceMetrics": [
                {
                    "resource": {
                        "attributes": [{"key": "host.name", "value": {"stringValue": source}}]
                    },
                    "scopeMetrics": [
                        {
                            "metrics": [
                                {
                                    "name": metric,
                                    "gauge": {"dataPoints": [{"asDouble": value}]},
                                }
                            ]
                        }
                    ],
                }
            ]
        },
        ExportMetricsServiceRequest(),
    )


def _write(url: str, token: str, records: list[Point], *, gzip_body: bool) -> None:
    with InfluxDBClient(url=url, token=token, org="chiron", enable_gzip=gzip_body) as influx:
        influx.write_api(write_options=SYNCHRONOUS).write(
            bucket="telemetry", record=records, write_precision=WritePrecision.NS
        )


@pytest.mark.parametrize("gzip_body", [False, True])
async def test_influxdb_client_writes_what_summary_and_series_return(
    app: object,
    client: httpx.AsyncClient,
    make_token: MakeToken,
    auth_headers: dict[str, str],
    gzip_body: bool,
) -> None:
    start = (utcnow() - timedelta(seconds=30)).replace(microsecond=123456)
    records = []
    for i in range(5):
        ts = start + timedelta(seconds=i)
        records.append(
            Point("env")
            .tag("host", "rover-1")
            .tag("site", "mare tranquillitatis, west")  # escaped space and comma
            .field("temp", 20.0 + i)
            .field("count", 10 + i)  # an integer field (sent as 10i)
            .field("ok", i % 2 == 0)  # a boolean field
            .time(_ns(ts) + 789, WritePrecision.NS)  # nanoseconds: kept to the microsecond
        )
    token = await make_token(["ingest"])
    async with serve(app) as url:
        await asyncio.to_thread(_write, url, token, records, gzip_body=gzip_body)

    metrics = await _metrics(client, auth_headers)
    assert set(metrics) == {
        ("rover-1", "env.temp"),
        ("rover-1", "env.count"),
        ("rover-1", "env.ok"),
    }
    last = start + timedelta(seconds=4)
    assert metrics[("rover-1", "env.temp")]["value"] == 24.0
    assert metrics[("rover-1", "env.count")]["value"] == 14.0
    assert metrics[("rover-1", "env.ok")]["value"] == 1.0
    for m in metrics.values():
        assert datetime.fromisoformat(m["ts"]) == last
    points = await _series(client, auth_headers, "rover-1", "env.temp", start)
    assert sum(p["count"] for p in points) == 5
    assert min(p["min"] for p in points) == 20.0
    assert max(p["max"] for p in points) == 24.0


async def test_a_string_field_is_refused_by_the_client_with_influxdb_error_and_nothing_stored(
    app: object, make_token: MakeToken, db: Database
) -> None:
    token = await make_token(["ingest"])
    records = [
        Point("env").tag("host", "rover-1").field("temp", 1.0),
        Point("env").tag("host", "rover-1").field("state", "nominal"),
    ]
    async with serve(app) as url:
        with pytest.raises(ApiException) as caught:
            await asyncio.to_thread(_write, url, token, records, gzip_body=False)
    assert caught.value.status == 400
    body = orjson.loads(caught.value.body)
    assert body["code"] == "invalid"
    assert "line 2" in body["message"]
    assert "'state' is a string" in body["message"]
    assert (await store_counts(db))["telemetry_samples"] == 0


def _token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


async def test_v1_write_takes_basic_auth_with_the_key_as_password_and_precision(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    basic = base64.b64encode(f"telegraf:{_token(auth_headers)}".encode()).decode()
    stamp = int(utcnow().timestamp()) - 10
    body = f"cpu,host=probe-7,cpu=cpu0 usage_idle=97.5,usage_user=2.5 {stamp}\n"
    response = await client.post(
        V1,
        # What InfluxDB 1.x clients (Telegraf's outputs.influxdb) put in the query string.
        params={"db": "telegraf", "rp": "autogen", "consistency": "any", "precision": "s"},
        content=body,
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 204, response.text
    assert response.content == b""
    metrics = await _metrics(client, auth_headers)
    idle = metrics[("probe-7", "cpu.usage_idle")]
    assert idle["value"] == 97.5
    assert datetime.fromisoformat(idle["ts"]) == datetime.fromtimestamp(stamp, UTC)


async def test_a_gzip_body_and_token_or_bearer_schemes_are_accepted(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    token = _token(auth_headers)
    for scheme, value in (("Token", 1.0), ("Bearer", 2.0)):
        response = await client.post(
            V2,
            params={"org": "o", "orgID": "0123456789abcdef", "bucket": "b"},
            content=gzip.compress(f"m,host=h v={value}".encode()),
            headers={"Authorization": f"{scheme} {token}", "Content-Encoding": "gzip"},
        )
        assert response.status_code == 204, response.text
    assert (await _metrics(client, auth_headers))[("h", "m.v")]["value"] == 2.0


async def test_influxdb_client_with_v1_style_credentials_writes_with_the_key_as_password(
    app: object, client: httpx.AsyncClient, make_token: MakeToken, auth_headers: dict[str, str]
) -> None:
    """influxdb-client against an InfluxDB 1.8-style server: token = "user:password"."""
    key = await make_token(["ingest"])
    records = [Point("env").tag("host", "rover-9").field("temp", 3.5)]
    async with serve(app) as url:
        await asyncio.to_thread(_write, url, f"telegraf:{key}", records, gzip_body=False)
    assert (await _metrics(client, auth_headers))[("rover-9", "env.temp")]["value"] == 3.5


@pytest.mark.parametrize(
    ("body", "status", "code", "fragment"),
    [
        ("", 400, "invalid", "writing requires points"),
        ("m,host=h v=1\nm,host=h", 400, "invalid", "line 2: missing fields"),
        ("m,site=x v=1", 400, "invalid", "missing the 'host' tag"),
        ("m,host=h v=1x", 400, "invalid", "invalid value"),
        ("m,host=bad\\ host v=1", 400, "invalid", "source"),
        ("bad-name,host=h v=1", 400, "invalid", "metric 'bad-name.v'"),
        ("m,host=h v=1e300,w=1e301", 400, "invalid", "outside"),
        ("m,host=h v=1 99999999999999999", 422, "unprocessable entity", "in the future"),
        ('m,host=h v=1,s="x"', 400, "invalid", "'s' is a string"),
    ],
)
async def test_bad_bodies_get_influxdb_errors_and_store_nothing(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    db: Database,
    body: str,
    status: int,
    code: str,
    fragment: str,
) -> None:
    token = _token(auth_headers)
    response = await client.post(
        V2, params={"precision": "ms"}, content=body, headers={"Authorization": f"Token {token}"}
    )
    assert response.status_code == status, response.text
    error = response.json()
    assert error["code"] == code
    assert fragment in error["message"], error["message"]
    assert (await store_counts(db))["telemetry_samples"] == 0


async def test_credentials_get_influxdb_statuses(
    client: httpx.AsyncClient, make_token: MakeToken, db: Database
) -> None:
    body = "m,host=h v=1"
    missing = await client.post(V2, content=body)
    assert missing.status_code == 401
    assert missing.json()["code"] == "unauthorized"
    wrong = await client.post(V2, content=body, headers={"Authorization": "Token chiron_nope"})
    assert wrong.status_code == 401
    read_only = await make_token(["read"])
    forbidden = await client.post(V2, content=body, headers={"Authorization": f"Token {read_only}"})
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "forbidden"
    v1_forbidden = await client.post(
        V1, content=body, headers={"Authorization": f"Token {read_only}"}
    )
    assert v1_forbidden.status_code == 403
    assert "error" in v1_forbidden.json()
    ingest = await make_token(["ingest"])
    in_query = await client.post(V1, params={"u": "x", "p": ingest}, content=body)
    assert in_query.status_code == 401
    assert "query string" in in_query.json()["error"]
    assert (await store_counts(db))["telemetry_samples"] == 0


async def test_a_body_over_the_limit_is_413_in_influxdb_shape(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    token = _token(auth_headers)
    line = "m,host=h v=1\n"
    body = line * (5 * 1024 * 1024 // len(line))
    declared = await client.post(V2, content=body, headers={"Authorization": f"Token {token}"})
    assert declared.status_code == 413
    assert declared.json()["code"] == "request too large"
    inflated = await client.post(
        V2,
        content=gzip.compress(body.encode()),
        headers={"Authorization": f"Token {token}", "Content-Encoding": "gzip"},
    )
    assert inflated.status_code == 413
    assert inflated.json()["code"] == "request too large"
    corrupt = await client.post(
        V2,
        content=b"\x1f\x8bnot gzip at all",
        headers={"Authorization": f"Token {token}", "Content-Encoding": "gzip"},
    )
    assert corrupt.status_code == 400
    assert corrupt.json()["code"] == "invalid"
    assert (await store_counts(db))["telemetry_samples"] == 0


async def test_an_invalid_precision_is_400(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    token = _token(auth_headers)
    response = await client.post(
        V2,
        params={"precision": "h"},
        content="m,host=h v=1",
        headers={"Authorization": f"Token {token}"},
    )
    assert response.status_code == 400
    assert "precision" in response.json()["message"]


async def test_an_idempotency_key_stores_a_retried_write_once(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    headers = {"Authorization": f"Token {_token(auth_headers)}", "Idempotency-Key": "write-1"}
    for _ in range(2):
        response = await client.post(V2, content="m,host=h a=1,b=2", headers=headers)
        assert response.status_code == 204
    assert (await store_counts(db))["telemetry_samples"] == 2


@pytest.mark.parametrize(
    ("path", "content", "content_type"),
    [
        (INGEST, b'{"samples": [{"source": "h", "metric": "m", "value": 1}]}', "application/json"),
        (V2, b"m,host=h v=1", "text/plain"),
        (V1, b"m,host=h v=1", "text/plain"),
        ("/v1/metrics", b"{}", "application/json"),
    ],
)
async def test_an_empty_idempotency_key_is_422_on_every_door(
    app: object,
    auth_headers: dict[str, str],
    db: Database,
    path: str,
    content: bytes,
    content_type: str,
) -> None:
    """Over a real server (an empty header on the wire, as a client sends it)."""
    headers = {**auth_headers, "Idempotency-Key": "", "Content-Type": content_type}
    async with serve(app) as url, httpx.AsyncClient(base_url=url) as http:
        response = await http.post(path, content=content, headers=headers)
    assert response.status_code == 422, response.text
    assert (await store_counts(db))["telemetry_samples"] == 0


async def test_a_write_of_more_samples_than_one_transaction_takes_is_413(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    """Parsed off the event loop (the body is over 64 KiB), refused whole."""
    fields = ",".join(f"f{i}=1" for i in range(10))
    body = "\n".join(f"m,host=h {fields} {n}" for n in range(5_001))  # 50,010 samples
    response = await client.post(
        V2, content=body, headers={"Authorization": f"Token {_token(auth_headers)}"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request too large"
    assert (await store_counts(db))["telemetry_samples"] == 0


async def test_a_large_write_is_stored_whole(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    start = int(utcnow().timestamp()) - 3_000
    fields = ",".join(f"f{i}={i}.5" for i in range(10))
    body = "\n".join(f"m,host=h {fields} {start + n}" for n in range(2_000))
    response = await client.post(
        V2,
        params={"precision": "s"},
        content=body,
        headers={"Authorization": f"Token {_token(auth_headers)}"},
    )
    assert response.status_code == 204, response.text
    assert (await store_counts(db))["telemetry_samples"] == 20_000


async def test_a_protocol_write_steps_gates_and_records_the_timeline_like_the_json_door(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    await put_gate(client, auth_headers, source="probe-1", metric="env.temp")
    token = _token(auth_headers)
    lp = await client.post(
        V2, content="env,host=probe-1 temp=86.5", headers={"Authorization": f"Token {token}"}
    )
    assert lp.status_code == 204
    gate = (await client.get("/api/v1/gates", headers=auth_headers)).json()["items"][0]
    assert (gate["status"], gate["value"]) == ("hold", 86.5)
    export = otlp_request("env.temp", 95.0, source="probe-1").SerializeToString()
    metrics = await client.post(
        "/v1/metrics",
        content=export,
        headers={**auth_headers, "Content-Type": "application/x-protobuf"},
    )
    assert metrics.status_code == 200
    gate = (await client.get("/api/v1/gates", headers=auth_headers)).json()["items"][0]
    assert (gate["status"], gate["value"]) == ("no-go", 95.0)
    timeline = (await client.get("/api/v1/dashboard/timeline", headers=auth_headers)).json()
    assert len([e for e in timeline["items"] if e.get("source") == "probe-1"]) >= 2
