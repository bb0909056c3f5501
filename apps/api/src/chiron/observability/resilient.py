"""Exporter guard: a collector that is down or hung costs one export timeout, then nothing.

The OTLP exporters retry a failed batch with backoff until their timeout, and log every
failure. Behind a dead collector that means a worker thread busy retrying and an error line
per batch per signal. This wrapper opens a circuit after a failure: batches are dropped at
once (counted) for a cool-down that doubles up to a minute, then one batch probes again.
The request path never waits on any of this: it only appends to the batch processor's
bounded queue.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from opentelemetry.sdk._logs import ReadableLogRecord
from opentelemetry.sdk._logs.export import LogRecordExporter, LogRecordExportResult
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

log = logging.getLogger("chiron.observability.export")


class Circuit:
    """Closed while exports succeed; open (drop everything) for a while after a failure."""

    def __init__(
        self, name: str, *, first_cooldown_s: float = 5.0, max_cooldown_s: float = 60.0
    ) -> None:
        self.name = name
        self.first_cooldown_s = first_cooldown_s
        self.max_cooldown_s = max_cooldown_s
        self.cooldown_s = 0.0
        self.open_until = 0.0
        self.dropped = 0
        self.failures = 0
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def allow(self) -> bool:
        return not self.is_open

    def drop(self, count: int) -> None:
        with self._lock:
            self.dropped += count

    def failed(self) -> None:
        with self._lock:
            self.failures += 1
            first = self.cooldown_s == 0.0
            self.cooldown_s = min(self.max_cooldown_s, self.cooldown_s * 2 or self.first_cooldown_s)
            self.open_until = time.monotonic() + self.cooldown_s
        if first:
            log.warning(
                "otlp_export_failing: dropping %s for %.0fs, then retrying",
                self.name,
                self.cooldown_s,
            )

    def run(self, count: int, export: Callable[[], bool]) -> bool:
        """Export unless the circuit is open; a failure (or an exception) opens it."""
        if not self.allow():
            self.drop(count)
            return False
        try:
            ok = export()
        except Exception:  # noqa: BLE001 - an exporter bug must not kill the worker thread
            ok = False
        if ok:
            self.succeeded()
        else:
            self.drop(count)
            self.failed()
        return ok

    def succeeded(self) -> None:
        with self._lock:
            recovered = self.cooldown_s != 0.0
            self.cooldown_s = 0.0
            self.open_until = 0.0
        if recovered:
            log.info("otlp_export_recovered: %s (%d items dropped so far)", self.name, self.dropped)


class ResilientSpanExporter(SpanExporter):
    """A span exporter behind a `Circuit`."""

    def __init__(self, inner: SpanExporter, circuit: Circuit | None = None) -> None:
        self.inner = inner
        self.circuit = circuit or Circuit("spans")

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        ok = self.circuit.run(
            len(spans), lambda: self.inner.export(spans) is SpanExportResult.SUCCESS
        )
        return SpanExportResult.SUCCESS if ok else SpanExportResult.FAILURE

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True


class ResilientLogExporter(LogRecordExporter):
    """A log record exporter behind a `Circuit`."""

    def __init__(self, inner: LogRecordExporter, circuit: Circuit | None = None) -> None:
        self.inner = inner
        self.circuit = circuit or Circuit("logs")

    def export(self, batch: Sequence[ReadableLogRecord]) -> LogRecordExportResult:
        ok = self.circuit.run(
            len(batch), lambda: self.inner.export(batch) is LogRecordExportResult.SUCCESS
        )
        return LogRecordExportResult.SUCCESS if ok else LogRecordExportResult.FAILURE

    def shutdown(self) -> None:
        self.inner.shutdown()  # type: ignore[no-untyped-call]

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True
