"""Every bad input gets the right 4xx, the JSON error shape, and writes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from chiron.db import Database
from chiron.kit.time import utcnow
from tests.fixtures.factories import INGEST, sample, store_counts

GOOD = sample(1.0)


def batch(*samples: dict[str, Any]) -> bytes:
    import json

    return json.dumps({"samples": list(samples)}).encode()


def _value_literal(digits: str) -> bytes:
    return b'{"samples":[{"source":"a","metric":"m","value":' + digits.encode() + b"}]}"


def _attr_literal(digits: str) -> bytes:
    body = '{"samples":[{"source":"a","metric":"m","value":1,"attrs":{"k":' + digits + "}}]}"
    return body.encode()


CASES: list[tuple[str, bytes, int, str]] = [
    ("nan", b'{"samples":[{"source":"a","metric":"m","value":NaN}]}', 422, "invalid_input"),
    (
        "infinity",
        b'{"samples":[{"source":"a","metric":"m","value":Infinity}]}',
        422,
        "invalid_input",
    ),
    (
        "-infinity",
        b'{"samples":[{"source":"a","metric":"m","value":-Infinity}]}',
        422,
        "invalid_input",
    ),
    ("overflow", b'{"samples":[{"source":"a","metric":"m","value":1e999}]}', 422, "invalid_input"),
    ("string value", batch(sample("1.5")), 422, "invalid_input"),  # type: ignore[arg-type]
    ("bool value", batch(sample(True)), 422, "invalid_input"),
    ("null value", batch(sample(None)), 422, "invalid_input"),  # type: ignore[arg-type]
    ("empty batch", b'{"samples":[]}', 422, "invalid_input"),
    ("too many", batch(*[GOOD] * 5001), 422, "invalid_input"),
    ("unknown sample field", batch({**GOOD, "colour": "red"}), 422, "invalid_input"),
    (
        "unknown top field",
        b'{"samples":[{"source":"a","metric":"m","value":1}],"x":1}',
        422,
        "invalid_input",
    ),
    ("missing samples", b"{}", 422, "invalid_input"),
    ("malformed json", b'{"samples":[', 422, "invalid_input"),
    ("not an object", b"[1,2,3]", 422, "invalid_input"),
    ("bad metric name", batch(sample(1.0, metric="bad name!")), 422, "invalid_input"),
    ("empty source", batch(sample(1.0, source="")), 422, "invalid_input"),
    ("long source", batch(sample(1.0, source="s" * 129)), 422, "invalid_input"),
    ("nul in unit", batch(sample(1.0, unit="V\u0000")), 422, "invalid_input"),
    ("nul in attr", batch(sample(1.0, attrs={"k": "a\u0000b"})), 422, "invalid_input"),
    ("attrs not object", batch(sample(1.0, attrs=[1])), 422, "invalid_input"),
    (
        "too many attrs",
        batch(sample(1.0, attrs={f"k{i}": i for i in range(17)})),
        422,
        "invalid_input",
    ),
    ("nested attrs", batch(sample(1.0, attrs={"k": {"a": 1}})), 422, "invalid_input"),
    ("bad ts", batch({**GOOD, "ts": "yesterday"}), 422, "invalid_input"),
    ("numeric ts", batch({**GOOD, "ts": 1764201600}), 422, "invalid_input"),
    ("control char in attr key", batch(sample(1.0, attrs={"k\u0006": 1})), 422, "invalid_input"),
    ("empty attr key", batch(sample(1.0, attrs={"": 1})), 422, "invalid_input"),
    ("list attr value", batch(sample(1.0, attrs={"k": [True]})), 422, "invalid_input"),
    # Integers too large for a double: a clear 422, not an OverflowError (issue 17).
    ("310-digit value", _value_literal("9" * 310), 422, "invalid_input"),
    ("4,300-digit value", _value_literal("9" * 4300), 422, "invalid_input"),
    ("5,000-digit value", _value_literal("9" * 5000), 422, "invalid_input"),
    ("negative huge value", _value_literal("-" + "9" * 400), 422, "invalid_input"),
    # Past the documented bound, so a bucket's sum stays finite.
    ("value past the bound", batch(sample(1.7e308)), 422, "invalid_input"),
    ("negative value past the bound", batch(sample(-1.1e300)), 422, "invalid_input"),
    ("huge attr integer", _attr_literal("9" * 400), 422, "invalid_input"),
    ("attr integer past 2^53", batch(sample(1.0, attrs={"k": 2**53 + 1})), 422, "invalid_input"),
    ("attr number past 2^53", batch(sample(1.0, attrs={"k": 1e20})), 422, "invalid_input"),
    # RFC 3339 only: digits in a string are not a Unix time either.
    ("digit-string ts", batch({**GOOD, "ts": "1764201600"}), 422, "invalid_input"),
    ("fractional digit-string ts", batch({**GOOD, "ts": "1764201600.5"}), 422, "invalid_input"),
]


@pytest.mark.parametrize(("name", "body", "status", "code"), CASES, ids=[c[0] for c in CASES])
async def test_bad_input_is_refused_and_nothing_is_written(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    db: Database,
    name: str,
    body: bytes,
    status: int,
    code: str,
) -> None:
    # One good sample first in the same batch where it fits: a failed batch writes nothing.
    before = await store_counts(db)
    response = await client.post(
        INGEST, content=body, headers={**auth_headers, "content-type": "application/json"}
    )
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert await store_counts(db) == before


async def test_one_bad_sample_fails_the_whole_batch(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    body = batch(GOOD, GOOD, {**GOOD, "value": "x"})
    response = await client.post(
        INGEST, content=body, headers={**auth_headers, "content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"][:4] == ["body", "samples", 2, "value"]
    assert (await store_counts(db))["telemetry_samples"] == 0


@pytest.mark.parametrize(
    ("offset", "kind"),
    [(timedelta(minutes=10), "ts_in_future"), (-timedelta(days=3650), "ts_too_old")],
)
async def test_device_time_far_from_the_clock_is_refused(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    db: Database,
    offset: timedelta,
    kind: str,
) -> None:
    body = batch(GOOD, sample(1.0, ts=utcnow() + offset))
    response = await client.post(
        INGEST, content=body, headers={**auth_headers, "content-type": "application/json"}
    )
    assert response.status_code == 422
    detail = response.json()["error"]["details"][0]
    assert detail["type"] == kind
    assert detail["loc"] == ["body", "samples", 1, "ts"]
    assert (await store_counts(db))["telemetry_samples"] == 0


@pytest.mark.parametrize(
    ("ts", "kind"),
    [
        ("9999-12-31T23:00:00-14:00", "ts_in_future"),  # past year 9999 once in UTC
        ("0001-01-01T00:30:00+14:00", "ts_too_old"),  # before year 1 once in UTC
        ("0001-01-01T00:00:00", "ts_too_old"),
    ],
)
async def test_times_that_leave_the_calendar_in_utc_are_refused(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, ts: str, kind: str
) -> None:
    body = batch(GOOD, {**GOOD, "ts": ts})
    response = await client.post(
        INGEST, content=body, headers={**auth_headers, "content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    detail = response.json()["error"]["details"][0]
    assert (detail["type"], detail["loc"]) == (kind, ["body", "samples", 1, "ts"])
    assert (await store_counts(db))["telemetry_samples"] == 0


async def test_a_little_clock_skew_is_accepted(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    body = batch(sample(1.0, ts=utcnow() + timedelta(minutes=2)))
    response = await client.post(
        INGEST, content=body, headers={**auth_headers, "content-type": "application/json"}
    )
    assert response.status_code == 202


async def test_wrong_content_type_is_415(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    response = await client.post(
        INGEST, content=batch(GOOD), headers={**auth_headers, "content-type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert (await store_counts(db))["telemetry_samples"] == 0


async def test_oversized_body_is_413_even_when_chunked(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    limit = 4 * 1024 * 1024

    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    response = await client.post(
        INGEST, content=chunks(), headers={**auth_headers, "content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert (await store_counts(db))["telemetry_samples"] == 0


async def test_bad_query_parameters_are_422(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    for url in (
        "/api/v1/dashboard/series?source=a&metric=m&points=0",
        "/api/v1/dashboard/series?source=a&metric=m&points=2001",
        "/api/v1/dashboard/series?source=a&metric=m&from=nope",
        "/api/v1/dashboard/series?source=a",
        "/api/v1/dashboard/series?source=a&metric=m&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
        "/api/v1/dashboard/timeline?limit=0",
        "/api/v1/dashboard/timeline?before=%%%",
        # A query-string time is RFC 3339 too: digits are not a Unix time.
        "/api/v1/dashboard/series?source=a&metric=m&from=1764201600",
        "/api/v1/dashboard/series?source=a&metric=m&to=1764201600.5",
    ):
        response = await client.get(url, headers=auth_headers)
        assert response.status_code == 422, url
        assert response.json()["error"]["code"].startswith("invalid")


@pytest.mark.parametrize(
    "params",
    [
        {"from": "9999-12-31T23:00:00-14:00"},
        {"to": "0001-01-01T00:30:00+14:00"},
        {"from": "0001-01-01T00:00:00Z", "to": "0001-01-01T01:00:00Z"},
        {"from": "9999-12-31T22:00:00Z", "to": "9999-12-31T23:59:59Z"},
        {"from": "0001-01-01T00:00:00Z", "to": "9999-12-31T23:59:59Z"},
    ],
)
async def test_series_at_the_ends_of_the_calendar_never_500(
    client: httpx.AsyncClient, auth_headers: dict[str, str], params: dict[str, str]
) -> None:
    response = await client.get(
        "/api/v1/dashboard/series",
        params={"source": "rover-1", "metric": "battery.voltage", **params},
        headers=auth_headers,
    )
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["error"]["code"] in ("invalid_input", "invalid_range")


async def test_timeline_time_outside_the_calendar_in_utc_is_422(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/timeline",
        json={"kind": "note", "title": "t", "ts": "9999-12-31T23:00:00-14:00"},
        headers=auth_headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_input"


@pytest.mark.parametrize("mode", ["json", "python"])
def test_a_batch_reads_the_same_from_json_and_from_python_objects(mode: str) -> None:
    """FastAPI validates bodies from Python objects (the naive bench endpoint does), the
    ingest endpoint from JSON bytes: a device time is an RFC 3339 string in both, never a
    number, and the strict input model must not refuse the string in either."""
    import json

    from pydantic import ValidationError

    from chiron.telemetry.schemas import SampleBatch

    def validate(ts: object) -> SampleBatch:
        body = {"samples": [{**GOOD, "ts": ts}]}
        if mode == "json":
            return SampleBatch.model_validate_json(json.dumps(body))
        return SampleBatch.model_validate(body)

    parsed = validate("2026-11-27T02:31:00.5+01:00").samples[0].ts
    assert parsed is not None
    assert parsed.isoformat() == "2026-11-27T02:31:00.500000+01:00"
    for bad in (0, 1764201600.5, True, "yesterday"):
        with pytest.raises(ValidationError):
            validate(bad)
