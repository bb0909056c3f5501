"""Log lines inside a request carry request_id, trace_id and span_id, on the console/JSON
output and on the OTLP copy alike; foreign loggers take the same path; secrets stay out."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest
import structlog
from fastapi import FastAPI

from chiron.app import create_app
from chiron.config import LogFormat, Settings
from tests.observability.conftest import Capture
from tests.observability.helpers import server_span

PROBE = "/_probe/log"
SECRET = "Bearer abcdefgh.ijklmnop.qrstuvwx"


def _probe_routes(app: FastAPI) -> None:
    @app.get(PROBE)
    async def probe() -> dict[str, Any]:
        structlog.get_logger("chiron.probe").info("probe_event", hint=SECRET, count=3)
        logging.getLogger("uvicorn.error").warning("foreign %s", "line")
        return {}


@pytest.fixture
async def json_app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings.model_copy(update={"log_format": LogFormat.json}))
    _probe_routes(application)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def console(json_app: FastAPI) -> io.StringIO:
    """The stream behind the root logger's console handler, swapped for a buffer."""
    buffer = io.StringIO()
    (handler,) = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h.formatter, structlog.stdlib.ProcessorFormatter)
    ]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    return buffer


def _lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.startswith("{")]


async def test_lines_inside_a_request_carry_request_and_trace_ids(
    json_app: FastAPI, console: io.StringIO, captured: Capture
) -> None:
    transport = httpx.ASGITransport(app=json_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get(PROBE, headers={"X-Request-ID": "probe-1"})
    assert response.status_code == 200
    root = server_span(captured.spans, PROBE)
    trace_id = format(root.context.trace_id, "032x")
    span_id = format(root.context.span_id, "016x")

    lines = {line["event"]: line for line in _lines(console)}
    ours, foreign = lines["probe_event"], lines["foreign line"]
    for line, logger, level in (
        (ours, "chiron.probe", "info"),
        (foreign, "uvicorn.error", "warning"),
    ):
        assert line["request_id"] == "probe-1"
        assert line["trace_id"] == trace_id
        assert line["span_id"] == span_id
        assert line["logger"] == logger
        assert line["level"] == level
        assert datetime.fromisoformat(line["timestamp"]).tzinfo is not None
    assert ours["count"] == 3
    assert "abcdefgh" not in console.getvalue()

    otlp = {str(r.body): r for r in captured.logs}
    for body in ("probe_event", "foreign line"):
        record = otlp[body]
        assert record.trace_id == root.context.trace_id
        assert record.span_id == root.context.span_id
        attributes = dict(record.attributes or {})
        assert attributes["request_id"] == "probe-1"
        assert "trace_id" not in attributes  # native on the record, not repeated
    assert otlp["foreign line"].severity_text == "WARN"
    assert "abcdefgh" not in str(dict(otlp["probe_event"].attributes or {}))


async def test_lines_outside_a_request_have_no_request_or_trace_ids(
    json_app: FastAPI, console: io.StringIO
) -> None:
    structlog.get_logger("chiron.probe").info("idle_event")
    (line,) = [x for x in _lines(console) if x["event"] == "idle_event"]
    assert "request_id" not in line
    assert "trace_id" not in line


async def test_the_sdks_own_warnings_are_not_exported_through_itself(
    json_app: FastAPI, captured: Capture
) -> None:
    logging.getLogger("opentelemetry.exporter.otlp.proto.http").error("export failed")
    assert not [r for r in captured.logs if "export failed" in str(r.body)]
