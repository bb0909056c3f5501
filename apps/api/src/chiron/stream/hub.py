"""The per-process fan-out hub: one task tails the bus and hands each message, encoded once,
to every connection's bounded queue. A slow connection gets `resync`, never unbounded memory:
each queue is bounded in frames and in bytes (what it holds plus what its connection is still
writing); a failing bus marks the hub degraded, tells every connection to resync, and is
retried.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections import deque

import structlog

from chiron.kit.tasks import cancel_requested, stop_tasks
from chiron.stream.bus import Bus, BusMessage, StreamId, parse_id
from chiron.stream.frames import Frame, Resync, encode_message

log = structlog.get_logger("chiron.stream.hub")

Item = Frame | Resync

# Measured with 1,000 clients at 50 events/s: with the default thresholds a full collection
# walked the whole heap (startup plus every connection's objects) every ~5 s and stalled
# fan-out ~200 ms; with these, max latency stayed under 60 ms over 15 s.
GC_THRESHOLDS = (20_000, 50, 100)
# Default bytes held per connection (CHIRON_STREAM_CLIENT_MAX_BYTES): a few of the largest
# batches (5,000 samples encode to ~0.5-2 MB), far below what one stalled client used to pin.
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
RESYNC_BYTES = 128  # what a queued resync frame costs, about


def tune_gc_for_fanout() -> None:
    """Process-wide: rarer, cheaper garbage collections for a long-lived streaming server.

    Not for test processes: it moves when cyclic garbage (and its ResourceWarnings) is freed.
    """
    gc.collect()
    gc.freeze()  # the startup heap lives as long as the process: never walk it again
    gc.set_threshold(*GC_THRESHOLDS)


class Subscriber:
    """One connection's view of the hub: a bounded queue and a wake-up signal.

    Hand-rolled rather than asyncio.Queue/Event: one future per wait and no waiter deque,
    which is most of the hub's cost per delivery at 1,000 subscribers.
    """

    __slots__ = (
        "__weakref__",  # lets a test see the subscriber is gone once its client left
        "_items",
        "_limit",
        "_max_bytes",
        "_waiter",
        "active",
        "closed",
        "heartbeat_s",
        "inflight_bytes",
        "next_ping",
        "ping",
        "queued_bytes",
        "resyncs",
    )

    def __init__(self, limit: int, heartbeat_s: float, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._items: deque[Item] = deque()
        self._limit = max(1, limit)
        self._max_bytes = max_bytes
        # Frames waiting here, and frames drained but not yet written to the connection (a
        # stalled client blocks its writer there): both count against `max_bytes`.
        self.queued_bytes = 0
        self.inflight_bytes = 0
        self._waiter: asyncio.Future[None] | None = None
        self.closed = False
        self.ping = False
        self.active = False  # wrote something since the heartbeat ticker last looked
        self.heartbeat_s = heartbeat_s
        self.next_ping = time.monotonic() + heartbeat_s
        self.resyncs = 0

    def __len__(self) -> int:
        return len(self._items)

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    @property
    def held_bytes(self) -> int:
        """Bytes held for this connection: queued plus being written."""
        return self.queued_bytes + self.inflight_bytes

    def push(self, frame: Frame) -> None:
        size = len(frame.data)
        if len(self._items) >= self._limit or self.held_bytes + size > self._max_bytes:
            # Too slow to keep up: drop what it has not read, tell it to refetch instead.
            self.push_resync("slow_consumer", frame.key)
            return
        self._items.append(frame)
        self.queued_bytes += size
        self._wake()

    def push_resync(self, reason: str, key: StreamId | None) -> None:
        self._items.clear()
        self._items.append(Resync(reason, key))
        self.queued_bytes = RESYNC_BYTES
        self.resyncs += 1
        self._wake()

    def drain(self) -> list[Item]:
        """Everything queued, now in flight until `written()`."""
        items = list(self._items)
        self._items.clear()
        self.inflight_bytes += self.queued_bytes
        self.queued_bytes = 0
        return items

    def written(self) -> None:
        """What was drained has been handed to the connection."""
        self.inflight_bytes = 0

    async def wait(self) -> None:
        if self._items or self.closed or self.ping:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        try:
            await waiter
        finally:
            if self._waiter is waiter:
                self._waiter = None

    def sent(self) -> None:
        """Anything written counts as activity: no heartbeat needed for a while."""
        self.ping = False
        self.active = True

    def request_ping(self) -> None:
        self.ping = True
        self._wake()

    def close(self) -> None:
        self.closed = True
        self._items.clear()  # a client that left holds nothing
        self.queued_bytes = self.inflight_bytes = 0
        self._wake()


class Hub:
    def __init__(
        self,
        bus: Bus,
        queue_size: int = 1000,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        heartbeat_s: float = 15.0,
        block_ms: int = 2000,
        batch: int = 1000,
        max_backoff_s: float = 2.0,
        tune_gc: bool = False,
    ) -> None:
        self.bus = bus
        self.queue_size = queue_size
        self.max_bytes = max_bytes
        self.heartbeat_s = heartbeat_s
        self.block_ms = block_ms
        self.batch = batch
        self.max_backoff_s = max_backoff_s
        self.tune_gc = tune_gc
        self.degraded = False
        self.cursor: str | None = None  # the newest id fanned out (or the start position)
        self.delivered = 0
        self.bus_errors = 0
        self._subscribers: set[Subscriber] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._tick = 1.0

    @property
    def connections(self) -> int:
        return len(self._subscribers)

    async def start(self) -> None:
        if self._tasks:
            return
        if self.tune_gc:
            tune_gc_for_fanout()
        self._tasks = [
            asyncio.create_task(self._run(), name="chiron-hub-reader"),
            asyncio.create_task(self._heartbeats(), name="chiron-hub-heartbeats"),
        ]

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        await stop_tasks(tasks)
        for subscriber in list(self._subscribers):
            subscriber.close()

    def subscribe(self, heartbeat_s: float | None = None) -> Subscriber:
        subscriber = Subscriber(self.queue_size, heartbeat_s or self.heartbeat_s, self.max_bytes)
        self._tick = min(self._tick, subscriber.heartbeat_s / 2)
        self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)
        subscriber.close()

    def _fan_out(self, messages: list[BusMessage]) -> None:
        subscribers = list(self._subscribers)
        for message in messages:
            frame = encode_message(message)
            for subscriber in subscribers:
                subscriber.push(frame)
        self.cursor = messages[-1].id
        self.delivered += len(messages)

    def _broadcast_resync(self, reason: str) -> None:
        key = parse_id(self.cursor) if self.cursor else None
        for subscriber in list(self._subscribers):
            subscriber.push_resync(reason, key)

    async def _run(self) -> None:
        backoff = 0.1
        while not cancel_requested():
            try:
                if self.cursor is None:
                    self.cursor = await self.bus.last_id() or "0-0"
                messages = await self.bus.read_new(self.cursor, self.block_ms, self.batch)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if cancel_requested():
                    raise asyncio.CancelledError from exc
                self.bus_errors += 1
                if not self.degraded:
                    self.degraded = True
                    log.warning("hub_bus_down", bus=self.bus.name, error=repr(exc))
                    self._broadcast_resync("bus_unavailable")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff_s)
                continue
            if self.degraded:
                # Whatever was stored while the bus was down never reached the stream.
                self.degraded = False
                backoff = 0.1
                log.info("hub_bus_recovered", bus=self.bus.name)
                self._broadcast_resync("bus_recovered")
            if messages:
                self._fan_out(messages)

    async def _heartbeats(self) -> None:
        while True:
            await asyncio.sleep(self._tick)
            self._ping_idle(time.monotonic())

    def _ping_idle(self, now: float) -> None:
        # Its own frame, so no loop variable keeps a departed subscriber alive between ticks.
        for subscriber in list(self._subscribers):
            if subscriber.active:  # cheaper than reading the clock on every write
                subscriber.active = False
                subscriber.next_ping = now + subscriber.heartbeat_s
            elif now >= subscriber.next_ping and not subscriber.ping:
                subscriber.request_ping()
