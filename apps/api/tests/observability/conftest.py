"""In-memory capture of spans, log records and metrics, installed once per test process.

OpenTelemetry's providers are process-wide and can be set only once, so the capture is
attached on first use and stays; it keeps anything only while an observability test runs
(later tests in the same process pay for span creation, not for storage).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from opentelemetry._logs import LogRecord
from opentelemetry.context import Context
from opentelemetry.sdk._logs import LogRecordProcessor, ReadWriteLogRecord
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor

from chiron.config import Settings
from chiron.observability import otel


@dataclass
class Capture:
    """What was finished or emitted while `recording`."""

    recording: bool = False
    spans: list[ReadableSpan] = field(default_factory=list)
    logs: list[LogRecord] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        with self.lock:
            self.spans.clear()
            self.logs.clear()


class SpanCapture(SpanProcessor):
    def __init__(self, capture: Capture) -> None:
        self.capture = capture

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        pass

    def on_end(self, span: ReadableSpan) -> None:
        if self.capture.recording:
            with self.capture.lock:
                self.capture.spans.append(span)


class LogCapture(LogRecordProcessor):
    def __init__(self, capture: Capture) -> None:
        self.capture = capture

    def on_emit(self, log_record: ReadWriteLogRecord) -> None:
        if self.capture.recording:
            with self.capture.lock:
                self.capture.logs.append(log_record.log_record)

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True


@dataclass
class Installed:
    capture: Capture
    metrics: InMemoryMetricReader
    telemetry: otel.Telemetry


_installed: Installed | None = None


def install() -> Installed:
    """Attach the capture to whatever this process has installed (or install it)."""
    global _installed
    if _installed is None:
        capture, reader = Capture(), InMemoryMetricReader()
        telemetry = otel.setup_telemetry(
            Settings(env="test", _env_file=None),
            span_processors=[SpanCapture(capture)],
            log_processors=[LogCapture(capture)],
            metric_readers=[reader],
        )
        _installed = Installed(capture, reader, telemetry)
    return _installed


@pytest.fixture(autouse=True)
def observed() -> Iterator[Installed]:
    """Autouse, so the providers exist before any app of these tests is built."""
    installed = install()
    installed.capture.clear()
    installed.capture.recording = True
    try:
        yield installed
    finally:
        installed.capture.recording = False
        installed.capture.clear()


@pytest.fixture
def captured(observed: Installed) -> Capture:
    return observed.capture
