"""The in-process bus: Redis Streams semantics (ms-seq ids, bounded retention, replay,
consumer groups with pending entries) for the embedded single-process mode."""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from chiron.stream.bus import BusMessage, StreamId, format_id, parse_id


@dataclass(slots=True)
class _Pending:
    consumer: str
    since: float  # monotonic seconds of the last delivery


@dataclass(slots=True)
class _Group:
    delivered: StreamId
    pending: dict[StreamId, _Pending] = field(default_factory=dict)


class InProcessBus:
    name = "in-process"

    def __init__(self, maxlen: int = 100_000) -> None:
        self._maxlen = max(1, maxlen)
        # Parallel lists from `_start` on, compacted now and then: bisect-able and O(1) append.
        self._ids: list[StreamId] = []
        self._messages: list[BusMessage] = []
        self._start = 0
        self._last: StreamId = (0, 0)
        self._arrived: asyncio.Future[None] | None = None
        self._groups: dict[str, _Group] = {}

    def _next_id(self) -> StreamId:
        ms = int(time.time() * 1000)
        last_ms, last_seq = self._last
        self._last = (ms, 0) if ms > last_ms else (last_ms, last_seq + 1)
        return self._last

    def _trim(self) -> None:
        if len(self._ids) - self._start > self._maxlen:
            self._start = len(self._ids) - self._maxlen
        if self._start > self._maxlen:
            del self._ids[: self._start]
            del self._messages[: self._start]
            self._start = 0

    def _wake(self) -> None:
        if self._arrived is not None and not self._arrived.done():
            self._arrived.set_result(None)
        self._arrived = None

    async def publish(self, event: str, data: bytes) -> str:
        key = self._next_id()
        message = BusMessage(format_id(key), event, data)
        self._ids.append(key)
        self._messages.append(message)
        self._trim()
        self._wake()
        return message.id

    def _after(self, after: StreamId, count: int) -> list[BusMessage]:
        index = bisect.bisect_right(self._ids, after, lo=self._start)
        return self._messages[index : index + count]

    async def range_after(self, after_id: str, count: int) -> list[BusMessage]:
        return self._after(parse_id(after_id), count)

    async def _wait(self, block_ms: int) -> None:
        if self._arrived is None:
            self._arrived = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(asyncio.shield(self._arrived), block_ms / 1000)
        except TimeoutError:
            return

    async def read_new(self, after_id: str, block_ms: int, count: int) -> list[BusMessage]:
        after = parse_id(after_id)
        found = self._after(after, count)
        if not found and block_ms > 0:
            await self._wait(block_ms)
            found = self._after(after, count)
        return found

    async def first_id(self) -> str | None:
        return self._messages[self._start].id if len(self._ids) > self._start else None

    async def last_id(self) -> str | None:
        return self._messages[-1].id if len(self._ids) > self._start else None

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._wake()

    # consumer groups

    async def ensure_group(self, group: str) -> None:
        self._groups.setdefault(group, _Group(delivered=self._last))

    def _group(self, group: str) -> _Group:
        found = self._groups.get(group)
        if found is None:
            raise LookupError(f"no such consumer group: {group}")
        return found

    async def read_group(
        self, group: str, consumer: str, count: int, block_ms: int
    ) -> list[BusMessage]:
        state = self._group(group)
        found = self._after(state.delivered, count)
        if not found and block_ms > 0:
            await self._wait(block_ms)
            found = self._after(state.delivered, count)
        now = time.monotonic()
        for message in found:
            key = parse_id(message.id)
            state.pending[key] = _Pending(consumer, now)
            state.delivered = key
        return found

    async def ack(self, group: str, ids: Sequence[str]) -> None:
        state = self._group(group)
        for value in ids:
            state.pending.pop(parse_id(value), None)

    async def claim_stale(
        self, group: str, consumer: str, min_idle_ms: int, count: int
    ) -> list[BusMessage]:
        state = self._group(group)
        now = time.monotonic()
        claimed: list[BusMessage] = []
        for key in sorted(state.pending):
            entry = state.pending[key]
            if (now - entry.since) * 1000 < min_idle_ms:
                continue
            index = bisect.bisect_left(self._ids, key, lo=self._start)
            if index >= len(self._ids) or self._ids[index] != key:
                del state.pending[key]  # trimmed away: nothing left to do (as XAUTOCLAIM)
                continue
            state.pending[key] = _Pending(consumer, now)
            claimed.append(self._messages[index])
            if len(claimed) >= count:
                break
        return claimed
