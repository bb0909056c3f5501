"""Publishing after commit: a failure is logged and counted, never fails the write."""

from __future__ import annotations

import structlog

from chiron.observability import metrics
from chiron.stream.bus import Bus
from chiron.stream.payloads import Encoded, GatePayload, SamplesPayload, TimelinePayload, encode

log = structlog.get_logger("chiron.stream.publisher")

Publishable = SamplesPayload | GatePayload | TimelinePayload | Encoded


class PublishStats:
    failures = 0


async def publish_all(bus: Bus, payloads: list[Publishable]) -> str | None:
    """Publish in order; return the last id published, or None if nothing went out."""
    last: str | None = None
    for payload in payloads:
        try:
            last = await bus.publish(payload.type, encode(payload))
        except Exception as exc:  # noqa: BLE001 - the store has the data; the stream resyncs
            PublishStats.failures += 1
            metrics.bus_publish_failed(bus.name)
            log.warning("bus_publish_failed", bus=bus.name, error=type(exc).__name__)
    return last
