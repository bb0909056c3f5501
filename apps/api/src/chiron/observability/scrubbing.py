"""Spans leave the process without credentials: every span processor that exports (OTLP, the
console, a test's capture) sits behind this one, which hands it a scrubbed copy of any span
whose name, attributes or events carry one (`observability/scrub.py` decides what that is)."""

from __future__ import annotations

from opentelemetry.context import Context
from opentelemetry.sdk.trace import Event, ReadableSpan, Span, SpanProcessor

from chiron.observability.scrub import scrub_attributes, scrub_text


def scrubbed(span: ReadableSpan) -> ReadableSpan:
    """`span` itself when it is clean (the usual case: no copy), else a clean copy."""
    attributes = scrub_attributes(span.attributes)
    name = scrub_text(span.name)
    events = []
    events_changed = False
    for event in span.events:
        clean = scrub_attributes(event.attributes)
        if clean is not None:
            events_changed = True
            event = Event(event.name, clean, event.timestamp)
        events.append(event)
    if attributes is None and name == span.name and not events_changed:
        return span
    return ReadableSpan(
        name=name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=attributes if attributes is not None else span.attributes,
        events=events,
        links=span.links,
        kind=span.kind,
        status=span.status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class ScrubbingSpanProcessor(SpanProcessor):
    """Wraps an exporting processor: it only ever sees scrubbed spans."""

    def __init__(self, delegate: SpanProcessor) -> None:
        self.delegate = delegate

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        self.delegate.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        self.delegate.on_end(scrubbed(span))

    def shutdown(self) -> None:
        self.delegate.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self.delegate.force_flush(timeout_millis)
