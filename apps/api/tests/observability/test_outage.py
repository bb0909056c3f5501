"""A dead or hung collector costs one export timeout, then batches are dropped at once."""

from __future__ import annotations

import time
from collections.abc import Sequence

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SpanExportResult

from chiron.observability.resilient import Circuit, ResilientSpanExporter
from tests.observability.outage import black_hole, closed_port


def _span() -> ReadableSpan:
    span = TracerProvider().get_tracer("test").start_span("s")
    span.end()
    assert isinstance(span, ReadableSpan)
    return span


class _CountingExporter(OTLPSpanExporter):
    calls = 0

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.calls += 1
        return super().export(spans)


def _check(port: int, timeout_s: float) -> None:
    inner = _CountingExporter(endpoint=f"http://127.0.0.1:{port}/v1/traces", timeout=timeout_s)
    exporter = ResilientSpanExporter(inner, Circuit("spans"))
    # Behaviour, not time (the suite holds no timed assertion): one failed attempt against
    # the collector, then the open circuit drops without calling it, so without waiting on it.
    assert exporter.export([_span()]) is SpanExportResult.FAILURE
    assert inner.calls == 1

    assert exporter.export([_span(), _span()]) is SpanExportResult.FAILURE
    assert inner.calls == 1
    assert exporter.circuit.dropped == 3
    exporter.shutdown()


def test_closed_port_fails_fast_then_drops() -> None:
    _check(closed_port(), timeout_s=1.0)


def test_black_hole_costs_one_timeout_then_drops() -> None:
    with black_hole() as port:
        _check(port, timeout_s=0.5)


def test_circuit_probes_again_after_the_cooldown() -> None:
    circuit = Circuit("spans", first_cooldown_s=0.05)
    assert circuit.run(1, lambda: False) is False
    assert circuit.run(1, lambda: True) is False  # open: not even tried
    time.sleep(0.06)
    assert circuit.run(1, lambda: True) is True
    assert circuit.cooldown_s == 0.0
    assert circuit.dropped == 2
