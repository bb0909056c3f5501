"""The Redis Streams bus: XADD with approximate MAXLEN, XRANGE replay, XREAD BLOCK tailing,
and consumer groups (XREADGROUP / XACK / XAUTOCLAIM) for background work.

Two clients share one URL: blocking reads get a socket timeout above their block time
(redis-py's 5 s default would cut an XREAD BLOCK short), while publishes and other short
commands fail fast so a Redis outage never holds up a request. Both retry once at once,
which is what turns a connection broken by a Redis restart into a fresh one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ResponseError

from chiron.stream.bus import BusMessage

MAX_BLOCK_MS = 5_000
_EVENT = b"e"
_DATA = b"d"


def _text(value: bytes | str | None) -> str:
    if value is None:
        raise ValueError("Redis returned no stream id")
    return value.decode() if isinstance(value, bytes) else value


def _messages(entries: Iterable[Any]) -> list[BusMessage]:
    out: list[BusMessage] = []
    for raw_id, fields in entries:
        if not fields:  # XAUTOCLAIM reports entries deleted while pending as empty
            continue
        out.append(BusMessage(_text(raw_id), _text(fields[_EVENT]), bytes(fields[_DATA])))
    return out


def _stream_entries(reply: Any) -> list[BusMessage]:
    """XREAD / XREADGROUP reply for one key, in RESP2 (list) or RESP3 (dict) form."""
    if not reply:
        return []
    if isinstance(reply, dict):
        return [m for entries in reply.values() for m in _messages(_flatten(entries))]
    return [m for _key, entries in reply for m in _messages(entries)]


def _flatten(entries: Any) -> Any:
    # RESP3 wraps each key's entries in one more list.
    if entries and isinstance(entries[0], list) and entries[0] and isinstance(entries[0][0], list):
        return entries[0]
    return entries


class RedisStreamBus:
    name = "redis"

    def __init__(
        self,
        url: str,
        key: str,
        maxlen: int,
        *,
        command_timeout_s: float = 2.0,
        connect_timeout_s: float = 2.0,
    ) -> None:
        self.key = key
        self.maxlen = maxlen
        self._commands: Redis = Redis.from_url(
            url,
            socket_timeout=command_timeout_s,
            socket_connect_timeout=connect_timeout_s,
            retry=Retry(NoBackoff(), 1),
            health_check_interval=30,
        )
        self._reader: Redis = Redis.from_url(
            url,
            socket_timeout=MAX_BLOCK_MS / 1000 + 5,
            socket_connect_timeout=connect_timeout_s,
            retry=Retry(NoBackoff(), 1),
            health_check_interval=30,
        )

    async def publish(self, event: str, data: bytes) -> str:
        new_id = await self._commands.xadd(
            self.key, {_EVENT: event, _DATA: data}, maxlen=self.maxlen, approximate=True
        )
        return _text(new_id)

    async def range_after(self, after_id: str, count: int) -> list[BusMessage]:
        entries = await self._commands.xrange(self.key, min=f"({after_id}", max="+", count=count)
        return _messages(entries or [])

    async def read_new(self, after_id: str, block_ms: int, count: int) -> list[BusMessage]:
        reply = await self._reader.xread(
            {self.key: after_id}, count=count, block=min(block_ms, MAX_BLOCK_MS)
        )
        return _stream_entries(reply)

    async def first_id(self) -> str | None:
        entries = await self._commands.xrange(self.key, min="-", max="+", count=1)
        return _text(entries[0][0]) if entries else None

    async def last_id(self) -> str | None:
        entries = await self._commands.xrevrange(self.key, max="+", min="-", count=1)
        return _text(entries[0][0]) if entries else None

    async def ping(self) -> None:
        await self._commands.ping()

    async def close(self) -> None:
        await self._reader.aclose()
        await self._commands.aclose()

    # consumer groups

    async def ensure_group(self, group: str) -> None:
        try:
            await self._commands.xgroup_create(self.key, group, id="$", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def read_group(
        self, group: str, consumer: str, count: int, block_ms: int
    ) -> list[BusMessage]:
        try:
            reply = await self._reader.xreadgroup(
                group, consumer, {self.key: ">"}, count=count, block=min(block_ms, MAX_BLOCK_MS)
            )
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            # Redis lost the stream (restart without persistence): start the group again.
            await self.ensure_group(group)
            return []
        return _stream_entries(reply)

    async def ack(self, group: str, ids: Sequence[str]) -> None:
        if ids:
            await self._commands.xack(self.key, group, *ids)

    async def claim_stale(
        self, group: str, consumer: str, min_idle_ms: int, count: int
    ) -> list[BusMessage]:
        try:
            reply = await self._commands.xautoclaim(
                self.key, group, consumer, min_idle_ms, start_id="0-0", count=count
            )
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            await self.ensure_group(group)
            return []
        return _messages(reply[1])
