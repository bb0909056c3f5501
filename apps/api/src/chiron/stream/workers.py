"""Work off the request path: a consumer group on the bus, so replicas share the work, each
message is handled by one of them, and what a crashed replica left pending is claimed by
another (XREADGROUP + XACK + XAUTOCLAIM; the in-process bus has the same shape).

    workers = await start_workers(bus, {"samples": on_samples})
    ...
    await workers.stop()
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Awaitable, Callable, Mapping

import structlog

from chiron.kit.tasks import cancel_requested, stop_tasks
from chiron.stream.bus import Bus, BusMessage

log = structlog.get_logger("chiron.stream.workers")

Handler = Callable[[BusMessage], Awaitable[None]]
DEFAULT_GROUP = "chiron-workers"


def default_consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class Workers:
    """One consumer of `group`: reads new messages, runs the handler for their event, acks.

    A handler that raises leaves its message pending; it is retried once idle for
    `claim_idle_ms` (here or on another replica) and dropped after `max_attempts`.
    Messages whose event has no handler are acknowledged and skipped.
    """

    def __init__(
        self,
        bus: Bus,
        handlers: Mapping[str, Handler] | None = None,
        *,
        group: str = DEFAULT_GROUP,
        consumer: str | None = None,
        claim_idle_ms: int = 30_000,
        claim_every_s: float = 5.0,
        block_ms: int = 2_000,
        batch: int = 100,
        max_attempts: int = 5,
    ) -> None:
        self.bus = bus
        self.handlers: dict[str, Handler] = dict(handlers or {})
        self.group = group
        self.consumer = consumer or default_consumer_name()
        self.claim_idle_ms = claim_idle_ms
        self.claim_every_s = claim_every_s
        self.block_ms = block_ms
        self.batch = batch
        self.max_attempts = max_attempts
        self.handled = 0
        self.failed = 0
        self.claimed = 0
        self._attempts: dict[str, int] = {}
        self._group_ready = False
        self._next_claim = 0.0
        self._task: asyncio.Task[None] | None = None

    def register(self, event: str, handler: Handler) -> None:
        """Run `handler` for every bus message whose event is `event` (one per event)."""
        self.handlers[event] = handler

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"chiron-workers-{self.group}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            await stop_tasks([task])

    async def run_once(self, block_ms: int | None = None) -> int:
        """Claim stale entries when due, then read and handle one batch; return how many."""
        if not self._group_ready:
            await self.bus.ensure_group(self.group)
            self._group_ready = True
        done = 0
        now = time.monotonic()
        if now >= self._next_claim:
            self._next_claim = now + self.claim_every_s
            stale = await self.bus.claim_stale(
                self.group, self.consumer, self.claim_idle_ms, self.batch
            )
            self.claimed += len(stale)
            done += await self._handle(stale)
        block = self.block_ms if block_ms is None else block_ms
        fresh = await self.bus.read_group(self.group, self.consumer, self.batch, block)
        return done + await self._handle(fresh)

    async def _handle(self, messages: list[BusMessage]) -> int:
        done: list[str] = []
        for message in messages:
            if await self._run_handler(message):
                self._attempts.pop(message.id, None)
                done.append(message.id)
        if done:
            await self.bus.ack(self.group, done)
        return len(done)

    async def _run_handler(self, message: BusMessage) -> bool:
        """True when the message is finished with (handled, unhandled, or given up on)."""
        handler = self.handlers.get(message.event)
        if handler is None:
            return True
        try:
            await handler(message)
        except asyncio.CancelledError:
            raise
        except Exception:  # left pending; retried after claim_idle_ms
            self.failed += 1
            attempts = self._attempts.get(message.id, 0) + 1
            self._attempts[message.id] = attempts
            if attempts < self.max_attempts:
                log.warning(
                    "worker_handler_failed", id=message.id, attempts=attempts, exc_info=True
                )
                return False
            log.error("worker_message_dropped", id=message.id, bus_event=message.event)
            return True
        self.handled += 1
        return True

    async def _run(self) -> None:
        backoff = 0.1
        while not cancel_requested():
            try:
                await self.run_once()
                backoff = 0.1
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if cancel_requested():
                    raise asyncio.CancelledError from exc
                self._group_ready = False
                log.warning("workers_bus_error", bus=self.bus.name, error=repr(exc))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)


async def start_workers(
    bus: Bus,
    handlers: Mapping[str, Handler] | None = None,
    *,
    group: str = DEFAULT_GROUP,
    claim_idle_ms: int = 30_000,
) -> Workers:
    """Build and start the process's background consumer (call from the lifespan)."""
    workers = Workers(bus, handlers, group=group, claim_idle_ms=claim_idle_ms)
    await workers.start()
    return workers
