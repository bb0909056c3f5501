"""The periodic job that closes polls at their `closes_at` (every replica runs it; the
claim lets exactly one close each poll)."""

from __future__ import annotations

import asyncio

import structlog

from chiron.db import Database
from chiron.kit.tasks import cancel_requested
from chiron.polls import service
from chiron.stream.bus import Bus
from chiron.uow import UnitOfWork

log = structlog.get_logger("chiron.polls")


async def run_closer(db: Database, bus: Bus, interval_s: float) -> None:
    while True:
        try:
            async with UnitOfWork(db, bus) as uow:
                await service.close_due(uow)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if cancel_requested():
                raise asyncio.CancelledError from exc
            log.warning("poll_close_failed", error=type(exc).__name__)
        await asyncio.sleep(interval_s)
