"""Development seed data: the demo fleet's gates, a day of samples and timeline events,
loaded through the real ingest path so latest values, rollups and gates agree.

The day ends calm (no episode or spike in its last minutes) on the fleet's waves, which
`chiron simulate` continues: the first live samples carry on the seeded curves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from chiron.config import Settings
from chiron.db import Database
from chiron.dev import repository
from chiron.dev.fleet import BASE_SOURCES, GATES, make_series
from chiron.gates import service as gates
from chiron.gates.schemas import GateUpsert
from chiron.kit.time import utcnow
from chiron.stream.bus import Bus
from chiron.telemetry import service as telemetry
from chiron.telemetry.schemas import SampleIn
from chiron.timeline import service as timeline
from chiron.uow import UnitOfWork
from chiron.vocabulary import EventSeverity

SEED_HOURS = 24
SEED_STEP_S = 60
CHUNK = 5000
# Longer than the longest episode (150 s): the day's last samples are on the waves alone.
CALM_STEPS = 5


async def is_empty(db: Database) -> bool:
    async with db.sessionmaker() as session:
        return await repository.store_is_empty(session)


async def seed_if_empty(
    db: Database, settings: Settings | None = None, bus: Bus | None = None
) -> bool:
    if not await is_empty(db):
        return False
    await seed(db, settings=settings, bus=bus)
    return True


async def seed(
    db: Database,
    *,
    force: bool = False,
    settings: Settings | None = None,
    bus: Bus | None = None,
    progress: Callable[[str], object] = lambda _: None,
    now: datetime | None = None,
) -> str:
    """Seed the day that ends at `now` (default: the current time)."""
    if not force and not await is_empty(db):
        return "The store already has data; nothing seeded (use --force to add more)."
    settings = settings or Settings()
    # A day of history arrives in seconds: read as clock skew it would put a "clock is 23 h
    # behind" and a "back in step" event per source on the timeline. It is a backfill, not a
    # clock: no skew line while seeding (the day ends now, so the sources end in step).
    settings = settings.model_copy(update={"skew_warn_s": float("inf")})
    now = now or utcnow()
    start = now - timedelta(hours=SEED_HOURS)

    async with UnitOfWork(db, bus) as uow:
        for position, spec in enumerate(GATES):
            data = GateUpsert(
                title=spec.title,
                description=spec.description,
                source=spec.source,
                metric=spec.metric,
                warn=spec.warn,
                critical=spec.critical,
                direction=spec.direction,
                hysteresis=spec.hysteresis,
                min_violations=spec.min_violations,
                position=position,
            )
            await gates.upsert(uow, spec.slug, data)
    progress(f"Seeded {len(GATES)} gates")

    sims = make_series(seed=7, count=len(BASE_SOURCES))
    for sim in sims.values():
        sim.episode_rate = 1 / 5400.0  # a few episodes per series over the day
    batch: list[SampleIn] = []
    total = 0
    steps = SEED_HOURS * 3600 // SEED_STEP_S
    for step in range(steps + 1):
        t = start + timedelta(seconds=step * SEED_STEP_S)
        calm = step > steps - CALM_STEPS
        for (source, metric), sim in sims.items():
            value = sim.value(t.timestamp(), SEED_STEP_S, calm=calm)
            batch.append(
                SampleIn(
                    source=source, metric=metric, value=round(value, 3), unit=sim.model.unit, ts=t
                )
            )
        if len(batch) >= CHUNK or step == steps:
            # Received as it happened: a backfill's receive time is its chunk's last device
            # time, so the seeded day's clocks read in step however long the seeding takes
            # (on a loaded machine, seconds past the skew limit).
            async with UnitOfWork(db, bus) as uow:
                await telemetry.ingest(uow, batch, settings, now=t)
            total += len(batch)
            batch = []
            progress(f"  {total} samples")

    events: tuple[tuple[int, str, EventSeverity, str, str], ...] = (
        (
            20,
            "deploy",
            "info",
            "Deployed flight software 4.12.0",
            "Rolled out to rover-1 and rover-2",
        ),
        (
            14,
            "incident",
            "warning",
            "Relay 2 antenna realigned",
            "Link quality recovered after a manual realignment",
        ),
        (
            6,
            "note",
            "info",
            "Night shift handover",
            "All gates green at handover; watch core temperature",
        ),
        (
            1,
            "deploy",
            "info",
            "Deployed relay firmware 2.3.1",
            "Latency smoothing enabled on relay-1",
        ),
    )
    async with UnitOfWork(db, bus) as uow:
        for hours_ago, kind, severity, title, body in events:
            await timeline.record(
                uow,
                kind=kind,
                severity=severity,
                title=title,
                body=body,
                ts=now - timedelta(hours=hours_ago),
            )
    return f"Seeded {len(GATES)} gates, {total} samples and the demo timeline."
