"""The Redis Streams bus: XADD with approximate MAXLEN, XRANGE replay, XREAD BLOCK tailing,
and consumer groups (XREADGROUP / XACK / XAUTOCLAIM) for background work.

Two clients share one URL: blocking reads get a socket timeout above their block time
(redis-py's 5 s default would cut an XREAD BLOCK short), while publishes and other short
commands fail fast so a Redis outage never holds up a request. Both retry once at once,
which is what turns a connection broken by a Redis restart into a fresh one.

A Redis that is up but does not answer (stopped, swapping, a full network buffer) is worse
than a dead one: sockets stay open and every call waits. So every call has a deadline (a
short command's whole time, retries included; a blocking read's block time plus a margin),
and after a short command fails for want of Redis the bus refuses them at once for
`cooldown_s` (a circuit breaker): requests that publish answer at once instead of each
waiting out the deadline, and the stream's reader sees the failure and tells clients to
resync. A successful ping (readiness) closes the breaker early.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from chiron.stream.bus import BusMessage

MAX_BLOCK_MS = 5_000
READ_MARGIN_S = 1.0  # a blocking read's deadline: its block time plus this
_EVENT = b"e"
_DATA = b"d"
T = TypeVar("T")
# What "Redis cannot be reached or does not answer" looks like (a ResponseError, a refused
# command, is an answer: it does not trip the breaker).
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError, TimeoutError)


class BusStalled(RedisConnectionError):
    """Refused without calling Redis: a call failed for want of it moments ago."""


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
        command_timeout_s: float = 1.0,
        connect_timeout_s: float = 1.0,
        cooldown_s: float = 2.0,
    ) -> None:
        self.key = key
        self.maxlen = maxlen
        self.command_timeout_s = command_timeout_s
        self.cooldown_s = cooldown_s
        self._open_until = 0.0  # the breaker refuses short commands until then
        self.refused = 0  # calls refused by the breaker (they never reached Redis)
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

    @property
    def stalled(self) -> bool:
        """True while the breaker is open."""
        return time.monotonic() < self._open_until

    async def _short(self, call: Callable[[], Awaitable[T]], *, breaker: bool = True) -> T:
        """A short command under its deadline; with `breaker`, refused at once while open."""
        if breaker and self.stalled:
            self.refused += 1
            raise BusStalled("Redis did not answer moments ago; retrying shortly")
        try:
            async with asyncio.timeout(self.command_timeout_s):
                return await call()
        except _UNREACHABLE:
            self._open_until = time.monotonic() + self.cooldown_s
            raise

    async def _blocking(self, call: Callable[[], Awaitable[T]], block_ms: int) -> T:
        async with asyncio.timeout(min(block_ms, MAX_BLOCK_MS) / 1000 + READ_MARGIN_S):
            return await call()

    async def publish(self, event: str, data: bytes) -> str:
        new_id = await self._short(
            lambda: self._commands.xadd(
                self.key, {_EVENT: event, _DATA: data}, maxlen=self.maxlen, approximate=True
            )
        )
        return _text(new_id)

    async def range_after(self, after_id: str, count: int) -> list[BusMessage]:
        entries = await self._short(
            lambda: self._commands.xrange(self.key, min=f"({after_id}", max="+", count=count)
        )
        return _messages(entries or [])

    async def read_new(self, after_id: str, block_ms: int, count: int) -> list[BusMessage]:
        reply = await self._blocking(
            lambda: self._reader.xread(
                {self.key: after_id}, count=count, block=min(block_ms, MAX_BLOCK_MS)
            ),
            block_ms,
        )
        return _stream_entries(reply)

    async def first_id(self) -> str | None:
        entries = await self._short(
            lambda: self._commands.xrange(self.key, min="-", max="+", count=1)
        )
        return _text(entries[0][0]) if entries else None

    async def last_id(self) -> str | None:
        entries = await self._short(
            lambda: self._commands.xrevrange(self.key, max="+", min="-", count=1)
        )
        return _text(entries[0][0]) if entries else None

    async def ping(self) -> None:
        # Always asks Redis (readiness must see a recovery), and an answer closes the breaker.
        await self._short(self._commands.ping, breaker=False)
        self._open_until = 0.0

    async def close(self) -> None:
        await self._reader.aclose()
        await self._commands.aclose()

    # consumer groups

    async def ensure_group(self, group: str) -> None:
        try:
            await self._short(
                lambda: self._commands.xgroup_create(self.key, group, id="$", mkstream=True),
                breaker=False,
            )
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def read_group(
        self, group: str, consumer: str, count: int, block_ms: int
    ) -> list[BusMessage]:
        try:
            reply = await self._blocking(
                lambda: self._reader.xreadgroup(
                    group, consumer, {self.key: ">"}, count=count, block=min(block_ms, MAX_BLOCK_MS)
                ),
                block_ms,
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
            await self._short(lambda: self._commands.xack(self.key, group, *ids), breaker=False)

    async def claim_stale(
        self, group: str, consumer: str, min_idle_ms: int, count: int
    ) -> list[BusMessage]:
        try:
            reply = await self._short(
                lambda: self._commands.xautoclaim(
                    self.key, group, consumer, min_idle_ms, start_id="0-0", count=count
                ),
                breaker=False,
            )
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            await self.ensure_group(group)
            return []
        return _messages(reply[1])
