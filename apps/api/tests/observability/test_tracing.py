"""An ingest request is one trace: the HTTP span with its SQL and (Redis bus) XADD children."""

from __future__ import annotations

import httpx
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, Decision
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    TraceFlags,
    set_span_in_context,
)

from chiron.observability.instrument import REQUEST_ID_ATTRIBUTE
from chiron.observability.otel import SkipOrphanClientSpans
from tests.fixtures.stores import bus_kind, store_kind
from tests.observability.conftest import Capture
from tests.observability.helpers import INGEST, batch, descendants, ingest, server_span, system_of


async def test_ingest_is_one_trace_with_db_and_bus_children(
    client: httpx.AsyncClient, auth_headers: dict[str, str], captured: Capture
) -> None:
    captured.clear()
    response = await ingest(client, auth_headers, batch([1.0, 2.0, 3.0]))
    assert response.status_code == 202, response.text

    spans = list(captured.spans)
    root = server_span(spans, INGEST)
    assert root.name == f"POST {INGEST}"
    assert root.parent is None
    children = descendants(spans, root)
    assert {s.context.trace_id for s in children} == {root.context.trace_id}

    sql = [s for s in children if system_of(s) in ("sqlite", "postgresql")]
    assert sql, "SQLAlchemy recorded no database spans (instrumentation not active?)"
    assert all(s.kind is SpanKind.CLIENT for s in sql)
    statements = [s.name for s in sql]
    # The bulk statements go to the driver connection, past SQLAlchemy's events: they are
    # traced by the repository, with the same kind and system.
    assert "INSERT telemetry_samples" in statements, statements
    if store_kind() == "postgres":
        assert "SELECT metric_latest" in statements, statements
        assert "INSERT metric_latest" in statements, statements

    redis = [s for s in children if system_of(s) == "redis"]
    if bus_kind() == "redis":
        assert any(s.name == "XADD" for s in redis), [s.name for s in redis]
    else:
        assert redis == []


async def test_no_per_message_spans(
    client: httpx.AsyncClient, auth_headers: dict[str, str], captured: Capture
) -> None:
    await ingest(client, auth_headers, batch([1.0]))
    names = [s.name for s in captured.spans]
    assert not [n for n in names if n.endswith(("http send", "http receive"))], names


async def test_request_id_round_trips_into_the_span(
    client: httpx.AsyncClient, auth_headers: dict[str, str], captured: Capture
) -> None:
    response = await ingest(client, auth_headers, batch([1.0]), **{"X-Request-ID": "req-42.a"})
    assert response.headers["x-request-id"] == "req-42.a"
    root = server_span(captured.spans, INGEST)
    assert (root.attributes or {})[REQUEST_ID_ATTRIBUTE] == "req-42.a"


async def test_generated_request_id_is_on_the_span_and_in_the_error_body(
    client: httpx.AsyncClient, auth_headers: dict[str, str], captured: Capture
) -> None:
    response = await ingest(client, auth_headers, {"samples": []})
    assert response.status_code == 422
    request_id = response.headers["x-request-id"]
    assert response.json()["error"]["request_id"] == request_id
    root = server_span(captured.spans, INGEST)
    assert (root.attributes or {})[REQUEST_ID_ATTRIBUTE] == request_id


async def test_incoming_traceparent_is_continued(
    client: httpx.AsyncClient, auth_headers: dict[str, str], captured: Capture
) -> None:
    trace_id, parent_id = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
    await ingest(client, auth_headers, batch([1.0]), traceparent=f"00-{trace_id}-{parent_id}-01")
    root = server_span(captured.spans, INGEST)
    assert format(root.context.trace_id, "032x") == trace_id
    assert root.parent is not None
    assert format(root.parent.span_id, "016x") == parent_id


async def test_background_redis_and_sql_do_not_start_traces(
    client: httpx.AsyncClient, auth_headers: dict[str, str], captured: Capture
) -> None:
    # The hub's XREAD loop runs all along; only spans under a request may be recorded.
    await ingest(client, auth_headers, batch([1.0]))
    orphans = [s for s in captured.spans if s.parent is None and s.kind is SpanKind.CLIENT]
    assert orphans == []


def test_sampler_drops_only_parentless_client_spans() -> None:
    sampler = SkipOrphanClientSpans(ALWAYS_ON)
    assert sampler.should_sample(None, 1, "XREAD", SpanKind.CLIENT).decision is Decision.DROP
    assert (
        sampler.should_sample(None, 1, "GET /", SpanKind.SERVER).decision
        is Decision.RECORD_AND_SAMPLE
    )
    parent = set_span_in_context(
        NonRecordingSpan(SpanContext(1, 2, is_remote=False, trace_flags=TraceFlags(1)))
    )
    assert (
        sampler.should_sample(parent, 1, "XADD", SpanKind.CLIENT).decision
        is Decision.RECORD_AND_SAMPLE
    )
