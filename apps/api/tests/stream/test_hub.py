"""The fan-out hub on its own: bounded queues, encode-once frames, a failing bus."""

from __future__ import annotations

from chiron.stream.bus import BusMessage, parse_id
from chiron.stream.frames import Frame, Resync, encode_message
from chiron.stream.hub import Hub, Subscriber
from chiron.stream.memory import InProcessBus
from tests.stream.helpers import eventually, publish_samples


def frame(n: int) -> Frame:
    return encode_message(BusMessage(f"{1000 + n}-0", "samples", b"{}"))


def test_overflow_resets_the_queue_to_one_resync() -> None:
    subscriber = Subscriber(limit=5, heartbeat_s=15)
    for n in range(5):
        subscriber.push(frame(n))
    assert len(subscriber) == 5
    subscriber.push(frame(5))
    assert len(subscriber) == 1
    for n in range(6, 10):
        subscriber.push(frame(n))
    items = subscriber.drain()
    assert items[0] == Resync("slow_consumer", (1005, 0))
    assert [i.key for i in items[1:] if isinstance(i, Frame)] == [
        (1000 + n, 0) for n in range(6, 10)
    ]
    for n in range(10_000):
        subscriber.push(frame(n))
        assert len(subscriber) <= 5
    assert subscriber.resyncs > 1


def test_frames_are_sse_bytes_with_id_and_event() -> None:
    assert frame(1).data == b"id: 1001-0\nevent: samples\ndata: {}\n\n"


class FlakyBus(InProcessBus):
    def __init__(self) -> None:
        super().__init__(1000)
        self.down = False

    async def read_new(self, after_id: str, block_ms: int, count: int) -> list[BusMessage]:
        if self.down:
            raise ConnectionError("bus down")
        return await super().read_new(after_id, min(block_ms, 50), count)

    async def last_id(self) -> str | None:
        if self.down:
            raise ConnectionError("bus down")
        return await super().last_id()


async def test_one_reader_fans_out_the_same_frame_to_everyone() -> None:
    bus = InProcessBus(100)
    hub = Hub(bus, 100, block_ms=50)
    await hub.start()
    try:
        subscribers = [hub.subscribe() for _ in range(3)]
        assert hub.connections == 3
        await eventually(lambda: hub.cursor is not None)
        ids = await publish_samples(bus, 2)
        await eventually(lambda: all(len(s) == 2 for s in subscribers))
        drained = [s.drain() for s in subscribers]
        assert drained[0][0] is drained[1][0] is drained[2][0]  # encoded once, shared
        assert [i.key for i in drained[0] if isinstance(i, Frame)] == [parse_id(i) for i in ids]
        hub.unsubscribe(subscribers[0])
        assert hub.connections == 2
    finally:
        await hub.stop()
    assert all(s.closed for s in subscribers)


async def test_bus_failure_degrades_resyncs_and_recovers() -> None:
    bus = FlakyBus()
    hub = Hub(bus, 100, block_ms=50, max_backoff_s=0.05)
    await hub.start()
    try:
        subscriber = hub.subscribe()
        await eventually(lambda: hub.cursor is not None)
        [before] = await publish_samples(bus, 1)
        await eventually(lambda: len(subscriber) == 1)
        subscriber.drain()
        bus.down = True
        await eventually(lambda: hub.degraded)
        assert subscriber.drain() == [Resync("bus_unavailable", parse_id(before))]
        bus.down = False
        await eventually(lambda: not hub.degraded)
        await eventually(lambda: len(subscriber) == 1)
        assert subscriber.drain() == [Resync("bus_recovered", parse_id(before))]
        [after] = await publish_samples(bus, 1)
        await eventually(lambda: len(subscriber) == 1)
        assert [i.key for i in subscriber.drain() if isinstance(i, Frame)] == [parse_id(after)]
        assert hub.bus_errors >= 1
    finally:
        await hub.stop()
