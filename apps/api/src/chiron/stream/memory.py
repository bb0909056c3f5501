"""The in-process bus: Redis Streams semantics (ms-seq ids, bounded retention, replay)."""

from __future__ import annotations

import asyncio
import time
from collections import deque

from chiron.stream.bus import BusMessage, parse_id


class InProcessBus:
    name = "in-process"

    def __init__(self, maxlen: int = 100_000) -> None:
        self._log: deque[BusMessage] = deque(maxlen=maxlen)
        self._last: tuple[int, int] = (0, 0)
        self._changed = asyncio.Condition()

    def _next_id(self) -> tuple[int, int]:
        ms = int(time.time() * 1000)
        last_ms, last_seq = self._last
        self._last = (ms, 0) if ms > last_ms else (last_ms, last_seq + 1)
        return self._last

    async def publish(self, event: str, data: bytes) -> str:
        ms, seq = self._next_id()
        message = BusMessage(f"{ms}-{seq}", event, data)
        self._log.append(message)
        async with self._changed:
            self._changed.notify_all()
        return message.id

    async def range_after(self, after_id: str, count: int) -> list[BusMessage]:
        after = parse_id(after_id)
        out: list[BusMessage] = []
        # The log is ordered; walk from the newest end back to the cursor.
        for message in reversed(self._log):
            if parse_id(message.id) <= after:
                break
            out.append(message)
        out.reverse()
        return out[:count]

    async def read_new(self, after_id: str, block_ms: int, count: int) -> list[BusMessage]:
        found = await self.range_after(after_id, count)
        if found:
            return found
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait(), block_ms / 1000)
            except TimeoutError:
                return []
        return await self.range_after(after_id, count)

    async def first_id(self) -> str | None:
        return self._log[0].id if self._log else None

    async def last_id(self) -> str | None:
        return self._log[-1].id if self._log else None

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        return None
