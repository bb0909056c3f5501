"""Publishing after commit (called by the unit of work only): a failure is logged and
counted, never fails the write; the stream tells clients to resync."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from chiron.observability import metrics
from chiron.stream.bus import Bus
from chiron.stream.messages import Message

log = structlog.get_logger("chiron.stream.publisher")


class PublishStats:
    failures = 0


async def publish_all(bus: Bus, messages: Sequence[Message]) -> str | None:
    """Publish in order; return the last id published, or None if nothing went out."""
    last: str | None = None
    for message in messages:
        try:
            last = await bus.publish(message.type, message.encode())
        except Exception as exc:  # noqa: BLE001 - the store has the data; the stream resyncs
            PublishStats.failures += 1
            metrics.bus_publish_failed(bus.name)
            log.warning("bus_publish_failed", bus=bus.name, error=type(exc).__name__)
    return last
