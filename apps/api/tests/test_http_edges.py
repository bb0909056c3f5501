"""The HTTP edge under bad clients (issue 17): bodies that stall, stop or inflate, requests
uvicorn cannot parse, and errors the app did not expect, all in the JSON error shape."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import logging
import zlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from chiron.config import Settings
from chiron.db import Database
from tests.fixtures.factories import INGEST, sample, store_counts
from tests.fixtures.server import serve

BODY = json.dumps({"samples": [sample(1.0)]}).encode()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"body_read_timeout_s": 0.5})


@pytest.fixture
async def port(app: Any) -> AsyncIterator[int]:
    async with serve(app) as url:
        yield int(url.rsplit(":", 1)[1])


async def raw_request(port: int, head: bytes, body: bytes = b"", *, close: bool = False) -> bytes:
    """Send bytes as they are (no client fixes them up); the whole answer, or b"" if closed."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head + body)
        await writer.drain()
        if close:
            return b""
        async with asyncio.timeout(10):
            return await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


def split(answer: bytes) -> tuple[int, dict[str, str], Any]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def ingest_head(auth: str, length: int | str, extra: str = "") -> bytes:
    return (
        f"POST {INGEST} HTTP/1.1\r\nHost: test\r\nAuthorization: {auth}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n{extra}\r\n"
    ).encode()


async def test_a_body_shorter_than_its_content_length_times_out_as_408(
    port: int, auth_headers: dict[str, str], db: Database
) -> None:
    before = await store_counts(db)
    answer = await raw_request(port, ingest_head(auth_headers["Authorization"], 1000), BODY)
    status, headers, body = split(answer)
    assert status == 408
    assert body["error"]["code"] == "body_timeout"
    assert body["error"]["request_id"] == headers["x-request-id"]
    assert await store_counts(db) == before


async def test_an_aborted_upload_is_one_log_line_not_an_error(
    port: int, auth_headers: dict[str, str], db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    before = await store_counts(db)
    with caplog.at_level(logging.INFO):
        head = ingest_head(auth_headers["Authorization"], 1000)
        await raw_request(port, head, BODY[:10], close=True)
        for _ in range(200):
            if any("request_aborted" in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.02)
    aborted = [r for r in caplog.records if "request_aborted" in r.getMessage()]
    assert len(aborted) == 1
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert await store_counts(db) == before


@pytest.mark.parametrize(
    "extra",
    [
        "",  # Content-Length below, not a number
        "Content-Length: 5\r\n",  # twice, disagreeing
    ],
)
async def test_requests_uvicorn_cannot_parse_get_the_json_error_shape(
    port: int, auth_headers: dict[str, str], extra: str
) -> None:
    head = ingest_head(auth_headers["Authorization"], "12x" if not extra else len(BODY), extra)
    status, headers, body = split(await raw_request(port, head, BODY))
    assert status == 400
    assert headers["content-type"] == "application/json"
    assert body["error"]["code"] == "bad_request"
    assert body["error"]["request_id"] == headers["x-request-id"]


async def test_a_gzip_body_is_decoded(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    headers = {**auth_headers, "content-type": "application/json", "content-encoding": "gzip"}
    response = await client.post(INGEST, content=gzip.compress(BODY), headers=headers)
    assert response.status_code == 202, response.text
    # Two gzip members one after the other decode as their concatenation (as gzip -d does).
    half = len(BODY) // 2
    two = gzip.compress(BODY[:half]) + gzip.compress(BODY[half:])
    assert (await client.post(INGEST, content=two, headers=headers)).status_code == 202
    assert (await store_counts(db))["telemetry_samples"] == 2


async def test_a_gzip_bomb_stops_at_the_body_limit(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, settings: Settings
) -> None:
    # ~100 kB on the wire, 100 MB decoded: refused once the decoded size passes the limit.
    bomb = gzip.compress(b" " * (100 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < settings.max_body_bytes
    headers = {**auth_headers, "content-type": "application/json", "content-encoding": "gzip"}
    response = await client.post(INGEST, content=bomb, headers=headers)
    assert response.status_code == 413
    assert response.json()["error"]["details"] == {"max_bytes": settings.max_body_bytes}
    assert (await store_counts(db))["telemetry_samples"] == 0


@pytest.mark.parametrize(
    ("encoding", "content", "status", "code"),
    [
        ("gzip", b"not gzip at all", 422, "invalid_input"),
        ("gzip", gzip.compress(BODY)[:-8], 422, "invalid_input"),  # truncated
        ("br", BODY, 415, "unsupported_media_type"),
        ("deflate", zlib.compress(BODY), 415, "unsupported_media_type"),
    ],
)
async def test_bodies_that_cannot_be_decoded_are_refused(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    db: Database,
    encoding: str,
    content: bytes,
    status: int,
    code: str,
) -> None:
    headers = {**auth_headers, "content-type": "application/json", "content-encoding": encoding}
    response = await client.post(INGEST, content=content, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    # Routes whose body FastAPI parses itself get the same answer.
    timeline = await client.post("/api/v1/timeline", content=content, headers=headers)
    assert (timeline.status_code, timeline.json()["error"]["code"]) == (status, code)
    assert (await store_counts(db))["telemetry_samples"] == 0


async def test_an_unexpected_error_is_a_500_with_the_request_id(
    app: Any, auth_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chiron.telemetry import reads

    async def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(reads, "summary", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/api/v1/dashboard/summary", headers=auth_headers)
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "internal_error"
    assert error["request_id"] == response.headers["x-request-id"]
