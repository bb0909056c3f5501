"""A stalled stream client under 5,000-sample batches: the bytes held for it stay within its
bound, it is told to resync, and nothing of it stays once it leaves (issue 17)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import socket
import weakref
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from chiron.state import AppState
from chiron.stream.hub import Subscriber
from tests.fixtures.factories import INGEST
from tests.stream.helpers import eventually

MAX_BYTES = 4 * 1024 * 1024
SOURCE = "rover-" + "s" * 120  # long names: a 5,000-sample batch is a ~1.6 MB frame
METRIC = "power." + "m" * 120


def batch(n: int) -> dict[str, Any]:
    samples = [
        {"source": SOURCE, "metric": f"{METRIC}{i % 10}", "value": n + i / 5000}
        for i in range(5000)
    ]
    return {"samples": samples}


async def stalled_stream(base_url: str, authorization: str) -> socket.socket:
    """A stream client that reads its response headers, then nothing: a tiny receive buffer,
    so the server soon has nowhere to put what it writes."""
    url = urlsplit(base_url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    await loop.sock_connect(sock, (url.hostname, url.port))
    request = (
        f"GET /api/v1/dashboard/stream HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: {authorization}\r\nAccept: text/event-stream\r\n\r\n"
    )
    await loop.sock_sendall(sock, request.encode())
    head = b""
    while b": connected" not in head:
        head += await asyncio.wait_for(loop.sock_recv(sock, 4096), 10)
    assert b" 200 " in head.split(b"\r\n", 1)[0]
    return sock


async def read_until(sock: socket.socket, marker: bytes, within: float = 60) -> bytes:
    loop = asyncio.get_running_loop()
    seen = b""
    async with asyncio.timeout(within):
        while marker not in seen:
            chunk = await loop.sock_recv(sock, 1 << 20)
            if not chunk:
                raise EOFError("stream closed")
            seen = seen[-4096:] + chunk  # only a small tail is kept: it is the marker we want
    return seen


@pytest.mark.parametrize("stream_overrides", [{"stream_client_max_bytes": MAX_BYTES}])
async def test_a_stalled_client_is_bounded_in_bytes_and_told_to_resync(
    base_url: str, http: httpx.AsyncClient, make_token: Any, state: AppState
) -> None:
    authorization = f"Bearer {await make_token(['ingest', 'read'])}"
    sock = await stalled_stream(base_url, authorization)
    try:
        await eventually(lambda: state.hub.connections == 1)
        (subscriber,) = state.hub._subscribers
        held: list[int] = []
        for n in range(10):  # ~16 MB of frames: far more than socket buffers take
            response = await http.post(
                INGEST, json=batch(n), headers={"Authorization": authorization}
            )
            assert response.status_code == 202, response.text
            await eventually(lambda n=n: state.hub.delivered >= n + 1)  # type: ignore[misc]
            held.append(subscriber.held_bytes)
            assert subscriber.held_bytes <= MAX_BYTES, held
        # The frame count never came near its limit: the bytes did.
        assert subscriber.resyncs >= 1, held
        assert max(held) <= MAX_BYTES
        # Once it reads again, the client finds the resync that replaced what it missed.
        tail = await read_until(sock, b'"reason":"slow_consumer"')
        assert b"event: resync" in tail
    finally:
        sock.close()
    gone = weakref.ref(subscriber)
    del subscriber
    await eventually(lambda: state.hub.connections == 0)
    gc.collect()
    assert gone() is None  # nothing holds the client's queue after it left


def test_the_byte_bound_counts_frames_being_written() -> None:
    """Drained frames stay counted until written: a writer stuck on a stalled socket holds
    them, so the queue behind it may only fill up to the bound minus those."""
    from chiron.stream.bus import BusMessage
    from chiron.stream.frames import Frame, Resync, encode_message

    def frame(n: int, size: int) -> Frame:
        return encode_message(BusMessage(f"{1000 + n}-0", "samples", b"x" * size))

    subscriber = Subscriber(limit=1000, heartbeat_s=15, max_bytes=10_000)
    subscriber.push(frame(0, 6_000))
    assert len(subscriber.drain()) == 1  # now being written
    subscriber.push(frame(1, 3_000))
    assert subscriber.held_bytes <= 10_000
    subscriber.push(frame(2, 3_000))  # 6,000 in flight + 6,000 queued: over
    assert subscriber.drain() == [Resync("slow_consumer", (1002, 0))]
    subscriber.written()
    for n in range(3, 6):
        subscriber.push(frame(n, 3_000))
    assert [type(i) for i in subscriber.drain()] == [Frame, Frame, Frame]
    with contextlib.suppress(Exception):
        subscriber.close()
    assert subscriber.held_bytes == 0
