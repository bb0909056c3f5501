"""The staleness sweeper: a silent device is the most dangerous thing to hide.

Every few seconds each process marks gates and metrics whose input has been quiet past
their `stale_after` as stale, records it on the timeline and announces it on the bus.
The conditional UPDATE lets exactly one replica win each change.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import datetime

import structlog
from sqlalchemy import select, update

from chiron.db import Database
from chiron.gates import service as gates
from chiron.kit.tasks import cancel_requested
from chiron.kit.time import as_utc, utcnow
from chiron.models import HeroGate, MetricLatest
from chiron.stream.bus import Bus
from chiron.stream.payloads import GatePayload, TimelinePayload
from chiron.stream.publisher import Publishable, publish_all
from chiron.timeline import service as timeline
from chiron.timeline.schemas import TimelineEventOut

log = structlog.get_logger("chiron.staleness")


def _age(now: datetime, then: datetime) -> str:
    seconds = int((now - as_utc(then)).total_seconds())
    return f"{seconds // 60}m {seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


async def sweep(db: Database, bus: Bus, now: datetime | None = None) -> list[Publishable]:
    """Mark what went quiet; return (and publish) what changed."""
    now = now or utcnow()
    payloads: list[Publishable] = []
    async with db.writer(), db.transaction() as session:
        latest = {
            (m.source, m.metric): m for m in (await session.scalars(select(MetricLatest))).all()
        }
        candidates = await session.scalars(
            select(HeroGate).where(HeroGate.stale.is_(False), HeroGate.last_seen_at.is_not(None))
        )
        for gate in candidates.all():
            info = latest.get((gate.source, gate.metric))
            limit = gates.stale_after(gate, info)
            assert gate.last_seen_at is not None
            if (now - as_utc(gate.last_seen_at)).total_seconds() <= limit:
                continue
            won = await session.execute(
                update(HeroGate)
                .where(HeroGate.id == gate.id, HeroGate.stale.is_(False))
                .values(stale=True, updated_at=now)
            )
            if not won.rowcount:  # type: ignore[attr-defined]
                continue  # another replica got there first
            await session.refresh(gate)
            event = await timeline.record(
                session,
                kind="stale",
                severity="warning",
                title=f"{gate.title}: STALE",
                body=f"No {gate.metric} from {gate.source} for {_age(now, gate.last_seen_at)}; "
                f"last status {gate.status.upper()}",
                gate_slug=gate.slug,
                source=gate.source,
                ts=now,
            )
            payloads.append(GatePayload(gate=gates.to_schema(gate, info)))
            payloads.append(TimelinePayload(event=TimelineEventOut.model_validate(event)))

        silent: dict[str, list[str]] = defaultdict(list)
        for (source, metric), info in latest.items():
            if info.stale:
                continue
            limit = gates.default_stale_after(info.cadence_s)
            if (now - as_utc(info.last_seen_at)).total_seconds() <= limit:
                continue
            won = await session.execute(
                update(MetricLatest)
                .where(
                    MetricLatest.source == source,
                    MetricLatest.metric == metric,
                    MetricLatest.stale.is_(False),
                )
                .values(stale=True)
            )
            if won.rowcount:  # type: ignore[attr-defined]
                silent[source].append(metric)
        for source, metrics in sorted(silent.items()):
            event = await timeline.record(
                session,
                kind="stale",
                severity="warning",
                title=f"{source} went silent",
                body=f"{len(metrics)} metric(s) stale: {', '.join(sorted(metrics)[:6])}",
                source=source,
                ts=now,
            )
            payloads.append(TimelinePayload(event=TimelineEventOut.model_validate(event)))
    if payloads:
        await publish_all(bus, payloads)
    return payloads


async def run_sweeper(db: Database, bus: Bus, interval_s: float) -> None:
    while True:
        try:
            await sweep(db, bus)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if cancel_requested():
                raise asyncio.CancelledError from exc
            log.warning("staleness_sweep_failed", error=type(exc).__name__)
        await asyncio.sleep(interval_s)
