"""What gets traced below the HTTP edge: each engine's SQL, Redis commands, request ids
(the server span itself: `observability.http`).

All of it is a no-op while no tracer provider is installed (tests that do not ask for
tracing, `OTEL_SDK_DISABLED=true`), so an untraced process pays nothing for it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from opentelemetry import metrics, trace
from sqlalchemy.ext.asyncio import AsyncEngine

from chiron.observability import otel

if TYPE_CHECKING:
    from chiron.stream.hub import Hub

REQUEST_ID_ATTRIBUTE = "http.request_id"

_lock = threading.Lock()
_libraries_done = False
_sql: tuple[Any, Any] | None = None  # (tracer, connections_usage), shared by every engine


def instrument_libraries() -> None:
    """Process-wide patches (Redis commands and pipelines); idempotent."""
    global _libraries_done
    with _lock:
        if _libraries_done:
            return
        from opentelemetry.instrumentation.redis import RedisInstrumentor

        RedisInstrumentor().instrument()
        _libraries_done = True


def instrument_engine(engine: AsyncEngine) -> None:
    """A CLIENT span per statement on this engine.

    `SQLAlchemyInstrumentor().instrument(engine=...)` works for one engine per process (the
    instrumentor is a singleton) and, on SQLAlchemy 2.1, only with `skip_dep_check=True`;
    engines here are made per app, so each one gets the instrumentor's `EngineTracer`
    directly: the same listeners, no dependency check, any number of engines.
    """
    global _sql
    if not _tracing():
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.instrumentation.sqlalchemy.version import __version__
    from opentelemetry.semconv.metrics import MetricInstruments

    scope = "opentelemetry.instrumentation.sqlalchemy"
    with _lock:
        if _sql is None:
            usage = metrics.get_meter(scope, __version__).create_up_down_counter(
                name=MetricInstruments.DB_CLIENT_CONNECTIONS_USAGE,
                unit="connections",
                description="The number of connections that are currently in state "
                "described by the state attribute.",
            )
            _sql = (trace.get_tracer(scope, __version__), usage)
        tracer, usage = _sql
    EngineTracer(tracer, engine.sync_engine, usage)  # type: ignore[no-untyped-call]


@contextlib.contextmanager
def driver_statement(name: str, system: str) -> Iterator[None]:
    """A CLIENT span, like the engine's, for a statement sent on the raw driver connection
    (the bulk ingest path), which SQLAlchemy's events never see. `name` is the operation
    and the table, e.g. "INSERT telemetry_samples"."""
    if _sql is None or not _tracing():
        yield
        return
    operation, _, table = name.partition(" ")
    attributes = {"db.system": system, "db.operation.name": operation}
    if table:
        attributes["db.collection.name"] = table
    with _sql[0].start_as_current_span(name, kind=trace.SpanKind.CLIENT, attributes=attributes):
        yield


def annotate_request(request_id: str) -> None:
    """Put the request id on the request's span so a quoted id finds its trace."""
    span = trace.get_current_span()
    if span.is_recording():
        span.set_attribute(REQUEST_ID_ATTRIBUTE, request_id)


def _tracing() -> bool:
    telemetry = otel.current()
    return telemetry is not None and telemetry.tracing


def observe_resources(engine: AsyncEngine, hub: Hub) -> None:
    """What the lifespan builds: trace this engine's SQL, count this hub's streams."""
    from chiron.observability import metrics as chiron_metrics

    instrument_engine(engine)
    chiron_metrics.watch_hub(hub)
