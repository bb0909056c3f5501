"""The HTTP server's span per request (the web framework's side of tracing)."""

from __future__ import annotations

import os

from fastapi import FastAPI

from chiron.observability.instrument import _tracing

STREAM_PATH = "/api/v1/dashboard/stream"
# Probes would otherwise be most of the traces a quiet deployment sends.
DEFAULT_EXCLUDED_URLS = r"/healthz$,/readyz$"


def instrument_app(app: FastAPI) -> None:
    """One SERVER span per request. The ASGI instrumentation would also add a span per
    `send`/`receive` message: on the SSE route that is a span per frame, forever, so those
    are excluded everywhere (the request's own span still covers the stream)."""
    if not _tracing():
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    excluded = (
        os.environ.get("OTEL_PYTHON_FASTAPI_EXCLUDED_URLS")
        or os.environ.get("OTEL_PYTHON_EXCLUDED_URLS")
        or DEFAULT_EXCLUDED_URLS
    )
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls=excluded, exclude_spans=["send", "receive"]
    )
