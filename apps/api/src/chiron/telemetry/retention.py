"""Keeping the store bounded: each tier of the samples store (raw samples, then every
rollup resolution) keeps its configured retention, by a periodic job on every replica and
by `chiron db prune`. The latest value of every series lives in `metric_latest`, which
prune never touches, so the summary and gates stay whole whatever retention says.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

import structlog

from chiron.config import Settings
from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.stream.bus import Bus
from chiron.telemetry.stores import Progress, PruneReport, SampleStore, sample_store, tiers
from chiron.uow import UnitOfWork, run_periodically

log = structlog.get_logger("chiron.retention")


def store_for(db: Database, settings: Settings) -> SampleStore:
    return sample_store(
        db, batch_rows=settings.prune_batch_rows, ahead_days=settings.partition_ahead_days
    )


async def prune(
    db: Database,
    settings: Settings,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> PruneReport:
    """Create the partitions ahead (not when dry), then remove what is past retention."""
    now = now or utcnow()
    store = store_for(db, settings)
    created = [] if dry_run else await store.prepare(now)
    result = await store.prune(tiers(settings.retention, now), dry_run=dry_run, progress=progress)
    result.created = created
    return result


def prune_job(settings: Settings):  # type: ignore[no-untyped-def]
    """The job for `run_periodically`: its own bounded units of work, not the one given."""

    async def prune_store(uow: UnitOfWork) -> None:
        log.info("prune_started")
        started = time.perf_counter()
        result = await prune(uow.db, settings)
        log.info(
            "prune_finished",
            seconds=round(time.perf_counter() - started, 3),
            rows=result.rows,
            batches=result.batches,
            longest_batch_ms=round(result.longest_batch_s * 1000, 1),
            counting_ms=round(result.counting_s * 1000, 1),
            skipped=result.skipped,
        )
        if result.skipped:
            log.info("prune_skipped", reason=result.skipped)
            return
        for removal in result.removals:
            if removal.rows or removal.partitions:
                log.info(
                    "pruned",
                    tier=removal.tier.name,
                    before=removal.tier.cutoff.isoformat(),
                    rows=removal.rows,
                    partitions=removal.partitions,
                    batches=removal.batches,
                )
        if result.created:
            log.info("partitions_created", partitions=result.created)

    return prune_store


# The first prune waits this long (or one interval, if shorter) after the process starts:
# not while a replica is coming up and taking its first traffic. The partitions for today
# and the days ahead exist already (the migration, or the last prune).
FIRST_PRUNE_AFTER_S = 60.0


async def run_pruner(db: Database, bus: Bus, settings: Settings) -> None:
    """Prune a minute after start and then every CHIRON_PRUNE_INTERVAL_S, until cancelled."""
    await asyncio.sleep(min(FIRST_PRUNE_AFTER_S, settings.prune_interval_s))
    await run_periodically(
        db, bus, settings.prune_interval_s, [prune_job(settings)], failed="prune_failed"
    )
