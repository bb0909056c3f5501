"""The staleness sweep: a silent device is the most dangerous thing to hide.

Every few seconds each process ends the alarm shelves that are due (exactly once across
replicas, `gates.alarms.expire_shelves`) and marks gates and metrics whose input has been quiet past
their `stale_after` as stale, records it on the timeline and announces it on the stream.
The conditional UPDATE lets exactly one replica win each change.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import structlog

from chiron.db import Database
from chiron.gates import alarms
from chiron.gates import service as gates
from chiron.gates.repository import GateRepository
from chiron.kit.time import as_utc, utcnow
from chiron.stream.bus import Bus
from chiron.telemetry.repository import TelemetryRepository
from chiron.telemetry.schemas import MetricPayload, MetricState
from chiron.timeline import service as timeline
from chiron.uow import UnitOfWork, run_periodically

log = structlog.get_logger("chiron.staleness")


async def sweep(uow: UnitOfWork, now: datetime | None = None) -> int:
    """Mark what went quiet, in the unit of work; return how many gates and sources went
    stale."""
    now = now or utcnow()
    session = await uow.begin()
    telemetry = TelemetryRepository(session)
    gate_repo = GateRepository(session)
    latest = {(m.source, m.metric): m for m in await telemetry.all_latest()}
    rules = gates.series_rules(await gate_repo.all())
    changed = 0
    for gate in await gate_repo.fresh():
        info = latest.get((gate.source, gate.metric))
        # Never heard from: quiet since the gate was defined (no data is never GO).
        quiet = (now - as_utc(gate.last_seen_at or gate.since)).total_seconds()
        if quiet > gates.stale_after(gate, info) and await gates.mark_stale(uow, gate, info, now):
            changed += 1

    silent: dict[str, list[str]] = defaultdict(list)
    for key, info in latest.items():
        if info.stale:
            continue
        rule = rules.get(key)
        limit = gates.effective_stale_after(rule[1] if rule else None, info.cadence_s)
        last_seen = as_utc(info.last_seen_at)
        if (now - last_seen).total_seconds() > limit and await telemetry.mark_stale(key):
            silent[key[0]].append(key[1])
            state = MetricState(
                source=key[0],
                metric=key[1],
                stale=True,
                last_seen_at=last_seen,
                stale_after_s=limit,
            )
            uow.publish(MetricPayload(metric=state))
    for source, metrics in sorted(silent.items()):
        await timeline.record(
            uow,
            kind="stale",
            severity="warning",
            title=f"{source} went silent",
            body=f"{len(metrics)} metric(s) stale: {', '.join(sorted(metrics)[:6])}",
            source=source,
            ts=now,
        )
    return changed + len(silent)


async def run_sweeper(db: Database, bus: Bus, interval_s: float) -> None:
    """Staleness, then shelved alarms that are due (each in a unit of work of its own)."""
    await run_periodically(
        db, bus, interval_s, [sweep, alarms.expire_shelves], failed="staleness_sweep_failed"
    )
