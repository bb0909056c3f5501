"""The OTLP copy of each log line: the same structlog fields, as a log record's attributes.

The handler sits on the stdlib root logger next to the console/JSON handler, so it sees
structlog's records and foreign ones (uvicorn, SQLAlchemy) alike, and runs them through the
same processors (secret scrubbing included) before anything leaves the process. The trace
context travels natively on the record; the `trace_id`/`span_id` fields are not repeated.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from time import time_ns
from typing import Any

from opentelemetry._logs import LoggerProvider, LogRecord
from opentelemetry.context import get_current
from opentelemetry.instrumentation.log_utils import std_to_otel
from opentelemetry.instrumentation.logging.handler import LoggingHandler

from chiron.observability.scrub import scrub_text

_SEVERITY_TEXT = {"WARNING": "WARN", "CRITICAL": "FATAL"}
# Rendered elsewhere on the record (time, severity, trace context) or structlog bookkeeping.
_NOT_ATTRIBUTES = frozenset(
    {"event", "timestamp", "level", "trace_id", "span_id", "_record", "_from_structlog"}
)
Processor = Callable[[Any, str, dict[str, Any]], Any]


def _not_from_the_sdk(record: logging.LogRecord) -> bool:
    # The exporters' own warnings must never be exported through themselves.
    return not record.name.startswith("opentelemetry")


def _attribute(value: Any) -> Any:
    if isinstance(value, str | bool | int | float):
        return value
    return str(value)


class StructlogOtlpHandler(LoggingHandler):
    def __init__(
        self, logger_provider: LoggerProvider, processors: list[Processor] | None = None
    ) -> None:
        super().__init__(logger_provider=logger_provider)
        if processors is None:
            from chiron.observability.logging import shared_processors

            processors = shared_processors()
        self._processors = processors
        self.addFilter(_not_from_the_sdk)

    def _event_dict(self, record: logging.LogRecord) -> dict[str, Any]:
        if isinstance(record.msg, dict):  # structlog's: already through the processors
            return dict(record.msg)
        event: dict[str, Any] = {
            "event": record.getMessage(),
            "_record": record,
            "_from_structlog": False,
        }
        method = record.levelname.lower()
        for processor in self._processors:
            event = processor(None, method, event)
        return event

    def _translate(self, record: logging.LogRecord) -> LogRecord:
        event = self._event_dict(record)
        body = event.get("event", "")
        attributes = {k: _attribute(v) for k, v in event.items() if k not in _NOT_ATTRIBUTES}
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, exc, tb = record.exc_info
            attributes["exception.type"] = exc_type.__name__
            if exc is not None:
                attributes["exception.message"] = scrub_text(str(exc))
            attributes["exception.stacktrace"] = scrub_text(
                "".join(traceback.format_exception(exc_type, exc, tb))
            )
        return LogRecord(
            timestamp=int(record.created * 1e9),
            observed_timestamp=time_ns(),
            context=get_current() or None,
            severity_text=_SEVERITY_TEXT.get(record.levelname, record.levelname),
            severity_number=std_to_otel(record.levelno),
            body=str(body),
            attributes=attributes,
        )
