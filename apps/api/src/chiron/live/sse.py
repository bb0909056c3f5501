"""One SSE connection: subscribe to the hub first, replay the gap from the bus, then go live,
dropping ids already sent, so a resume has no gap and no duplicate.

A plain ASGI response rather than a generator: queued frames go out in one write, a
watcher on `receive` notices a disconnect at once (not at the next write), and nothing
but the hub subscription lives for the length of the stream (no database session).
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from chiron.stream.bus import Bus, StreamId, format_id, parse_id
from chiron.stream.frames import (
    HEARTBEAT,
    PREAMBLE,
    Frame,
    Resync,
    encode_message,
    resync_frame,
)
from chiron.stream.hub import Hub, Subscriber

log = structlog.get_logger("chiron.live.sse")

STREAM_HEADERS = {
    "Cache-Control": "no-cache, no-transform",
    "X-Accel-Buffering": "no",
    "Connection": "keep-alive",
}
REPLAY_PAGE = 1000


class EventStreamResponse(Response):
    # The Content-Type is set below; leaving `media_type` unset keeps FastAPI from documenting
    # the 200 (and the JSON errors) as a plain string: the route documents its own content.
    media_type = None

    def __init__(
        self,
        hub: Hub,
        bus: Bus,
        cursor: str | None,
        *,
        heartbeat_s: float | None = None,
        page_size: int = REPLAY_PAGE,
    ) -> None:
        # No body and no Content-Length: the stream is open-ended (and never compressed).
        self.status_code = 200
        self.background = None
        self.body = b""
        self.raw_headers = [(k.lower().encode(), v.encode()) for k, v in STREAM_HEADERS.items()]
        self.raw_headers.append((b"content-type", b"text/event-stream; charset=utf-8"))
        self.hub = hub
        self.bus = bus
        self.cursor = cursor
        self.heartbeat_s = heartbeat_s
        self.page_size = page_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        subscriber = self.hub.subscribe(self.heartbeat_s)
        watcher = asyncio.create_task(_watch_disconnect(receive, subscriber))
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            await self._write(send, subscriber, PREAMBLE)
            last = await self._replay(send, subscriber)
            await self._live(send, subscriber, last)
            if not watcher.done():
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:  # the client went away mid-write
            pass
        finally:
            self.hub.unsubscribe(subscriber)
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _write(self, send: Send, subscriber: Subscriber, data: bytes) -> None:
        await send({"type": "http.response.body", "body": data, "more_body": True})
        subscriber.sent()

    async def _replay(self, send: Send, subscriber: Subscriber) -> StreamId | None:
        """Send what the bus holds after the cursor; return the last position sent."""
        if self.cursor is None:
            return None  # live from now
        cursor = parse_id(self.cursor)
        try:
            newest = await self.bus.last_id()
            if newest is None or cursor > parse_id(newest):
                # Not a position this bus ever handed out (or it lost its data): start over.
                return await self._resync(send, subscriber, "cursor_unknown", newest, cursor)
            while not subscriber.closed:
                page = await self.bus.range_after(format_id(cursor), self.page_size)
                # Checked after the read: if the oldest held id is past the cursor now, the
                # page may lack trimmed messages, so resync rather than leave a silent gap.
                first = await self.bus.first_id()
                if first is None or parse_id(first) > cursor:
                    newest = await self.bus.last_id()
                    return await self._resync(send, subscriber, "cursor_trimmed", newest, cursor)
                if not page:
                    break
                await self._write(send, subscriber, b"".join(encode_message(m).data for m in page))
                cursor = parse_id(page[-1].id)
        except OSError:
            raise
        except Exception as exc:  # noqa: BLE001 - bus down: resync now, live resumes later
            log.warning("stream_replay_failed", bus=self.bus.name, error=repr(exc))
            await self._write(send, subscriber, resync_frame("bus_unavailable", cursor))
            return cursor
        return cursor

    async def _resync(
        self,
        send: Send,
        subscriber: Subscriber,
        reason: str,
        newest: str | None,
        cursor: StreamId,
    ) -> StreamId:
        position = parse_id(newest) if newest is not None else cursor
        await self._write(send, subscriber, resync_frame(reason, position))
        return position

    async def _live(self, send: Send, subscriber: Subscriber, last: StreamId | None) -> None:
        while not subscriber.closed:
            await subscriber.wait()
            if subscriber.closed:
                return
            chunks: list[bytes] = []
            for item in subscriber.drain():
                if isinstance(item, Frame):
                    if last is not None and item.key <= last:
                        continue  # already sent by the replay
                    chunks.append(item.data)
                    last = item.key
                else:
                    last = _resync_position(item, last)
                    chunks.append(resync_frame(item.reason, last))
            if subscriber.ping and not chunks:
                chunks.append(HEARTBEAT)
            if chunks:
                await self._write(send, subscriber, b"".join(chunks))


def _resync_position(item: Resync, last: StreamId | None) -> StreamId | None:
    # Never move the client's Last-Event-ID backwards: a later resume would repeat events.
    if item.key is None:
        return last
    if last is None:
        return item.key
    return max(item.key, last)


async def _watch_disconnect(receive: Receive, subscriber: Subscriber) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            subscriber.close()
            return
