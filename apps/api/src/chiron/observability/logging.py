"""structlog: console lines in development, one JSON object per line in production.

Every line carries ISO time, level, logger and event; inside a request also `request_id`,
`trace_id` and `span_id`. Foreign loggers (uvicorn, SQLAlchemy) go through the same
processors, and, when OTLP logs are on, the same records are exported by a second handler.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from opentelemetry import trace

from chiron.config import LogFormat, Settings
from chiron.observability.context import current_request_id
from chiron.observability.scrub import scrub_secrets


def _add_request_id(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    request_id = current_request_id()
    if request_id and "request_id" not in event_dict:
        event_dict["request_id"] = request_id
    return event_dict


def _add_trace_context(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict.setdefault("trace_id", format(context.trace_id, "032x"))
        event_dict.setdefault("span_id", format(context.span_id, "016x"))
    return event_dict


# Process-wide like the OpenTelemetry providers it feeds; re-attached by every
# configure_logging() call, which replaces the root logger's handlers.
_otlp_handler: logging.Handler | None = None


def attach_otlp_handler(handler: logging.Handler) -> None:
    global _otlp_handler
    _otlp_handler = handler
    root = logging.getLogger()
    if handler not in root.handlers:
        root.addHandler(handler)


def shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_request_id,
        _add_trace_context,
        scrub_secrets,  # last: nothing after it may add a credential back
    ]


def configure_logging(settings: Settings) -> None:
    renderer: Any
    if settings.effective_log_format is LogFormat.json:
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    processors = shared_processors()
    structlog.configure(
        processors=[*processors, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=processors,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler] if _otlp_handler is None else [handler, _otlp_handler]
    root.setLevel(settings.log_level.upper())
    # uvicorn's and SQLAlchemy's own loggers go through the same pipeline, no format of
    # their own. SQLAlchemy keeps its own WARNING level: statements are in the traces.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "sqlalchemy"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
