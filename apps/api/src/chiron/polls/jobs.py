"""The periodic job that closes polls at their `closes_at` (every replica runs it; the
claim lets exactly one close each poll)."""

from __future__ import annotations

from chiron.db import Database
from chiron.polls import service
from chiron.stream.bus import Bus
from chiron.uow import run_periodically


async def run_closer(db: Database, bus: Bus, interval_s: float) -> None:
    await run_periodically(db, bus, interval_s, [service.close_due], failed="poll_close_failed")
