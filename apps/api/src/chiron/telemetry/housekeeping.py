"""Housekeeping off the request path, driven by the bus through the consumer group.

Replicas share the group, so each `samples` message reaches one of them; each replica purges
expired Idempotency-Key records at most once a minute.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

import structlog

from chiron.config import Settings
from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.stream.bus import BusMessage
from chiron.telemetry import idempotency
from chiron.uow import UnitOfWork

log = structlog.get_logger("chiron.housekeeping")
PURGE_EVERY_S = 60.0


def housekeeper(
    db: Database, settings: Settings, every_s: float = PURGE_EVERY_S
) -> Callable[[BusMessage], Awaitable[None]]:
    last = 0.0

    async def on_samples(_: BusMessage) -> None:
        nonlocal last
        if time.monotonic() - last < every_s:
            return
        last = time.monotonic()
        horizon = utcnow() - timedelta(seconds=settings.idempotency_ttl_s)
        async with UnitOfWork(db, None) as uow:
            purged = await idempotency.purge_expired(uow, horizon)
        if purged:
            log.info("idempotency_keys_purged", count=purged)

    return on_samples
