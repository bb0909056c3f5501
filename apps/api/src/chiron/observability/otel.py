"""OpenTelemetry providers for the API process, configured from the standard OTEL_* variables.

Providers are process-wide by OpenTelemetry's design (the instrumentations read the global
ones), so they are installed once per process, not per app: the first `setup_telemetry`
call that installs anything wins and later calls return the same handle. What each signal
exports:

- an OTLP endpoint is set (`OTEL_EXPORTER_OTLP_[SIGNAL_]ENDPOINT`): OTLP/HTTP protobuf;
- otherwise nothing is exported; logs stay on structlog's console (one line per request
  in development). Spans print to the console only when asked for with
  `OTEL_TRACES_EXPORTER=console`: printing every span made a development log grow by
  megabytes a minute;
- `OTEL_{TRACES,LOGS,METRICS}_EXPORTER=otlp|console|none` overrides either choice;
- `CHIRON_ENV=test`: nothing at all unless the caller passes exporters or readers.

Traces are recorded outside tests even when nothing exports them, so every log line inside
a request still carries a trace id. `OTEL_SDK_DISABLED=true` turns everything off.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from opentelemetry import metrics, trace
from opentelemetry._logs import set_logger_provider
from opentelemetry.context import Context
from opentelemetry.sdk._logs import LoggerProvider, LogRecordProcessor
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import OTELResourceDetector, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from opentelemetry.sdk.trace.sampling import (
    Decision,
    Sampler,
    SamplingResult,
    _get_from_env_or_default,
)
from opentelemetry.trace import Link, SpanKind, TraceState
from opentelemetry.util.types import Attributes

from chiron import __version__
from chiron.config import Environment, Settings
from chiron.observability.resilient import ResilientLogExporter, ResilientSpanExporter
from chiron.observability.scrubbing import ScrubbingSpanProcessor

log = logging.getLogger("chiron.observability")

Signal = Literal["traces", "logs", "metrics"]
Choice = Literal["otlp", "console", "none"]

DEFAULT_SERVICE_NAME = "chiron-api"
# Short enough that a hung collector holds an export thread briefly; the spec default is 10 s.
DEFAULT_EXPORT_TIMEOUT_S = 3.0
# Bounded: when the collector cannot keep up, spans and logs are dropped, never queued forever.
MAX_QUEUE = 2048


@dataclass
class Telemetry:
    """What this process exports, and the providers behind it (None: not installed)."""

    exporters: dict[Signal, Choice] = field(default_factory=dict)
    tracer_provider: TracerProvider | None = None
    meter_provider: MeterProvider | None = None
    logger_provider: LoggerProvider | None = None
    log_handler: logging.Handler | None = None

    @property
    def tracing(self) -> bool:
        return self.tracer_provider is not None


_lock = threading.Lock()
_installed: Telemetry | None = None


def current() -> Telemetry | None:
    """The installed telemetry, or None when this process records nothing."""
    return _installed


def _env_true(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() == "true"


def _endpoint_for(signal: Signal) -> str | None:
    return os.environ.get(f"OTEL_EXPORTER_OTLP_{signal.upper()}_ENDPOINT") or os.environ.get(
        "OTEL_EXPORTER_OTLP_ENDPOINT"
    )


def exporter_choice(signal: Signal, settings: Settings) -> Choice:
    if _env_true("OTEL_SDK_DISABLED") or settings.env is Environment.test:
        return "none"
    explicit = os.environ.get(f"OTEL_{signal.upper()}_EXPORTER", "").split(",")[0].strip().lower()
    if explicit in ("otlp", "console", "none"):
        return explicit  # type: ignore[return-value]
    if _endpoint_for(signal):
        return "otlp"
    return "none"


def build_resource(settings: Settings) -> Resource:
    """service.name/version, deployment.environment, service.instance.id (a UUID per process);
    OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the defaults."""
    defaults = Resource.create(
        {
            "service.name": DEFAULT_SERVICE_NAME,
            "service.version": __version__,
            "deployment.environment": settings.env.value,
            "deployment.environment.name": settings.env.value,
        }
    )
    return defaults.merge(OTELResourceDetector().detect())


class SkipOrphanClientSpans(Sampler):
    """Drop CLIENT spans that have no parent, then defer to the configured sampler.

    Outside a request, the hub's XREAD BLOCK loop and background SQL would each start a
    one-span trace every few seconds: noise that costs export bandwidth.
    """

    def __init__(self, delegate: Sampler) -> None:
        self.delegate = delegate

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        parent = trace.get_current_span(parent_context).get_span_context()
        if kind is SpanKind.CLIENT and not parent.is_valid:
            return SamplingResult(Decision.DROP)
        return self.delegate.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return f"SkipOrphanClientSpans{{{self.delegate.get_description()}}}"


def _export_timeout() -> float | None:
    """None lets the exporter read OTEL_EXPORTER_OTLP_[SIGNAL_]TIMEOUT when one is set."""
    if any(k.startswith("OTEL_EXPORTER_OTLP_") and k.endswith("TIMEOUT") for k in os.environ):
        return None
    return DEFAULT_EXPORT_TIMEOUT_S


def _check_protocol() -> None:
    protocol = os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf").strip().lower()
    if protocol != "http/protobuf":
        log.warning(
            "OTEL_EXPORTER_OTLP_PROTOCOL=%s is not supported; using http/protobuf", protocol
        )


def _tracer_provider(
    resource: Resource, choice: Choice, extra: Sequence[SpanProcessor]
) -> TracerProvider:
    provider = TracerProvider(
        resource=resource, sampler=SkipOrphanClientSpans(_get_from_env_or_default())
    )
    if choice == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = ResilientSpanExporter(OTLPSpanExporter(timeout=_export_timeout()))
        _add_exporting(provider, BatchSpanProcessor(exporter, max_queue_size=MAX_QUEUE))
    elif choice == "console":
        _add_exporting(
            provider, BatchSpanProcessor(ConsoleSpanExporter(), max_queue_size=MAX_QUEUE)
        )
    for processor in extra:
        _add_exporting(provider, processor)
    return provider


def _add_exporting(provider: TracerProvider, processor: SpanProcessor) -> None:
    """Every processor that lets spans out sees them scrubbed of credentials."""
    provider.add_span_processor(ScrubbingSpanProcessor(processor))


def _logger_provider(
    resource: Resource, choice: Choice, extra: Sequence[LogRecordProcessor]
) -> LoggerProvider | None:
    if choice != "otlp" and not extra:
        return None  # console logs are structlog's job already
    provider = LoggerProvider(resource=resource)
    if choice == "otlp":
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter

        exporter = ResilientLogExporter(OTLPLogExporter(timeout=_export_timeout()))
        provider.add_log_record_processor(
            BatchLogRecordProcessor(exporter, max_queue_size=MAX_QUEUE)
        )
    for processor in extra:
        provider.add_log_record_processor(processor)
    return provider


def _meter_provider(
    resource: Resource, choice: Choice, extra: Sequence[MetricReader]
) -> MeterProvider | None:
    readers = list(extra)
    if choice == "otlp":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        timeout = _export_timeout()
        readers.append(
            PeriodicExportingMetricReader(
                OTLPMetricExporter(timeout=timeout),
                export_timeout_millis=(timeout or DEFAULT_EXPORT_TIMEOUT_S) * 1000,
            )
        )
    if not readers:
        return None
    return MeterProvider(resource=resource, metric_readers=readers)


def setup_telemetry(
    settings: Settings,
    *,
    span_processors: Sequence[SpanProcessor] = (),
    log_processors: Sequence[LogRecordProcessor] = (),
    metric_readers: Sequence[MetricReader] = (),
) -> Telemetry:
    """Install the providers once per process. Explicit processors/readers (tests) always
    get their signal recorded, whatever the environment says; when telemetry is already
    installed they are attached to it."""
    global _installed
    with _lock:
        if _installed is not None:
            _attach(_installed, settings, span_processors, log_processors, metric_readers)
            return _installed
        if _env_true("OTEL_SDK_DISABLED"):
            return Telemetry()
        choices: dict[Signal, Choice] = {
            s: exporter_choice(s, settings) for s in ("traces", "logs", "metrics")
        }
        wants_traces = settings.env is not Environment.test or bool(span_processors)
        if not (wants_traces or log_processors or metric_readers):
            return Telemetry(exporters=choices)
        if "otlp" in choices.values():
            _check_protocol()
        resource = build_resource(settings)
        telemetry = Telemetry(exporters=choices)
        if wants_traces:
            _set_tracer_provider(
                telemetry, _tracer_provider(resource, choices["traces"], span_processors)
            )
        _set_meter_provider(
            telemetry, _meter_provider(resource, choices["metrics"], metric_readers)
        )
        _set_logger_provider(telemetry, _logger_provider(resource, choices["logs"], log_processors))
        _installed = telemetry
    log.info(
        "telemetry: traces=%s logs=%s metrics=%s",
        choices["traces"],
        choices["logs"],
        choices["metrics"],
    )
    return telemetry


def _set_tracer_provider(telemetry: Telemetry, provider: TracerProvider) -> None:
    from chiron.observability.instrument import instrument_libraries

    telemetry.tracer_provider = provider
    trace.set_tracer_provider(provider)
    instrument_libraries()


def _set_meter_provider(telemetry: Telemetry, provider: MeterProvider | None) -> None:
    if provider is not None:
        telemetry.meter_provider = provider
        metrics.set_meter_provider(provider)


def _set_logger_provider(telemetry: Telemetry, provider: LoggerProvider | None) -> None:
    if provider is None:
        return
    from chiron.observability.logging import attach_otlp_handler
    from chiron.observability.otlp_logs import StructlogOtlpHandler

    telemetry.logger_provider = provider
    set_logger_provider(provider)
    telemetry.log_handler = StructlogOtlpHandler(provider)
    attach_otlp_handler(telemetry.log_handler)


def _attach(
    telemetry: Telemetry,
    settings: Settings,
    span_processors: Sequence[SpanProcessor],
    log_processors: Sequence[LogRecordProcessor],
    metric_readers: Sequence[MetricReader],
) -> None:
    """Add a caller's processors/readers to what is installed, filling in missing signals."""
    if not (span_processors or log_processors or metric_readers):
        return
    resource = build_resource(settings)
    if span_processors:
        if telemetry.tracer_provider is None:
            _set_tracer_provider(telemetry, _tracer_provider(resource, "none", span_processors))
        else:
            for processor in span_processors:
                _add_exporting(telemetry.tracer_provider, processor)
    if log_processors:
        if telemetry.logger_provider is None:
            _set_logger_provider(telemetry, _logger_provider(resource, "none", log_processors))
        else:
            for log_processor in log_processors:
                telemetry.logger_provider.add_log_record_processor(log_processor)
    if metric_readers:
        if telemetry.meter_provider is None:
            _set_meter_provider(telemetry, _meter_provider(resource, "none", metric_readers))
        else:
            # A MeterProvider's readers are fixed when it is made.
            log.warning("metric readers not attached: a MeterProvider is already installed")
