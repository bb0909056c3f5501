"""SSE wire frames: each bus message is encoded once into the bytes every client receives."""

from __future__ import annotations

from dataclasses import dataclass

from chiron.stream.bus import BusMessage, StreamId, format_id, parse_id
from chiron.stream.messages import ResyncPayload

HEARTBEAT = b": ping\n\n"
# Sent first: opens the stream at once for proxies and clients, and tells EventSource how
# soon to reconnect after a drop.
PREAMBLE = b": connected\nretry: 2000\n\n"


@dataclass(frozen=True, slots=True)
class Frame:
    """One bus message as SSE bytes, shared by every subscriber's queue."""

    key: StreamId
    data: bytes


@dataclass(frozen=True, slots=True)
class Resync:
    """Tell the client to refetch the summary; `key` is the position it is current to."""

    reason: str
    key: StreamId | None


def _data_lines(data: bytes) -> bytes:
    # Payloads are compact JSON (no raw newlines); split defensively all the same.
    if b"\n" not in data:
        return b"data: " + data + b"\n"
    return b"".join(b"data: " + line + b"\n" for line in data.split(b"\n"))


def sse_frame(message_id: str | None, event: str, data: bytes) -> bytes:
    head = b"id: " + message_id.encode() + b"\n" if message_id else b""
    return head + b"event: " + event.encode() + b"\n" + _data_lines(data) + b"\n"


def encode_message(message: BusMessage) -> Frame:
    return Frame(parse_id(message.id), sse_frame(message.id, message.event, message.data))


def resync_frame(reason: str, key: StreamId | None) -> bytes:
    body = ResyncPayload(reason=reason).encode()
    return sse_frame(format_id(key) if key is not None else None, "resync", body)
