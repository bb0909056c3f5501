"""SSE test helpers: a raw event reader (comments included), publishing, and free ports."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from chiron.kit.time import utcnow
from chiron.stream.bus import Bus
from chiron.telemetry.schemas import SamplesPayload, StreamSample


@dataclass
class Event:
    id: str | None
    event: str  # "comment" for `: ...` lines
    data: str

    def json(self) -> Any:
        return json.loads(self.data)


class SSEReader:
    """Parses a streaming httpx response into events; comments come back as events too."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines: AsyncIterator[str] = response.aiter_lines()

    async def next(self, within: float = 5.0) -> Event:
        async with asyncio.timeout(within):
            fields: dict[str, str] = {}
            data: list[str] = []
            async for line in self._lines:
                if line == "":
                    if data or "id" in fields or "event" in fields:
                        event = fields.get("event", "message")
                        return Event(fields.get("id"), event, "\n".join(data))
                    fields.clear()  # a bare `retry:` block dispatches nothing
                    continue
                if line.startswith(":"):
                    if not fields and not data:
                        return Event(None, "comment", line[1:].strip())
                    continue
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "data":
                    data.append(value)
                else:
                    fields[name] = value
            raise EOFError("stream ended")

    async def next_event(self, within: float = 5.0) -> Event:
        """The next real event, skipping comments and `retry:` lines."""
        deadline = time.monotonic() + within
        while True:
            event = await self.next(max(0.01, deadline - time.monotonic()))
            if event.event != "comment" and (event.id is not None or event.data):
                return event


async def publish_samples(bus: Bus, count: int, *, start: int = 0, pace: int = 0) -> list[str]:
    """Publish `count` one-sample messages (value = sequence number); return their ids."""
    ids: list[str] = []
    for i in range(start, start + count):
        payload = SamplesPayload(
            samples=[
                StreamSample(
                    source="rover-1", metric="seq", value=float(i), ts=utcnow(), severity="ok"
                )
            ]
        )
        ids.append(await bus.publish("samples", payload.encode()))
        if pace and i % pace == 0:
            await asyncio.sleep(0.005)
    return ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def eventually(
    check: Callable[[], bool] | Callable[[], Awaitable[bool]],
    within: float = 5.0,
    interval: float = 0.02,
) -> None:
    deadline = time.monotonic() + within
    while True:
        result = check()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)
