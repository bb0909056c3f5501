"""The per-process fan-out hub (placeholder; the stream work fills it in)."""

from __future__ import annotations

from chiron.stream.bus import Bus


class Hub:
    def __init__(self, bus: Bus, queue_size: int = 1000) -> None:
        self.bus = bus
        self.queue_size = queue_size
        self.connections = 0

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
