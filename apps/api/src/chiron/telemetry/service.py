"""Ingest rules: validate against the clock, store in bulk, keep latest values and rollups
current, step gates, record the timeline, and say what to publish once committed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from chiron.config import Settings
from chiron.errors import InvalidInput
from chiron.gates import service as gates
from chiron.kit.time import as_utc
from chiron.models import TimelineEvent
from chiron.stream.payloads import GatePayload, SamplesPayload, TimelinePayload
from chiron.stream.publisher import Publishable
from chiron.telemetry.repository import SampleRow, SeriesKey, TelemetryRepository
from chiron.telemetry.rollups import rollup_rows
from chiron.telemetry.schemas import IngestResult, SampleIn, StreamSample
from chiron.timeline import service as timeline
from chiron.timeline.schemas import TimelineEventOut

CADENCE_WEIGHT = 0.2  # smoothing of the seconds-between-reports estimate


@dataclass
class Ingested:
    result: IngestResult
    payloads: list[Publishable] = field(default_factory=list)


def check_clock(samples: list[SampleIn], settings: Settings, now: datetime) -> None:
    """Refuse device times far in the future or absurdly old; name every offending sample."""
    latest = now + timedelta(seconds=settings.future_tolerance_s)
    earliest = now - timedelta(days=settings.max_age_days)
    bad: list[dict[str, Any]] = []
    for index, sample in enumerate(samples):
        if sample.ts is None:
            continue
        if sample.ts > latest:
            bad.append(
                {
                    "loc": ["body", "samples", index, "ts"],
                    "msg": "too far in the future",
                    "type": "ts_in_future",
                }
            )
        elif sample.ts < earliest:
            bad.append(
                {"loc": ["body", "samples", index, "ts"], "msg": "too old", "type": "ts_too_old"}
            )
        if len(bad) >= 50:
            break
    if bad:
        raise InvalidInput(
            f"Sample timestamps must be within {settings.future_tolerance_s:.0f} s of the "
            f"server clock in the future and {settings.max_age_days} days in the past",
            details=bad,
        )


def _latest_rows(
    series: dict[SeriesKey, list[tuple[datetime, float, str | None]]],
    known: dict[SeriesKey, Any],
    now: datetime,
) -> list[dict[str, Any]]:
    rows = []
    for key, points in series.items():
        ts, value, unit = max(points, key=lambda p: p[0])
        previous = known.get(key)
        cadence = previous.cadence_s if previous else None
        if previous is not None:
            gap = (now - as_utc(previous.last_seen_at)).total_seconds()
            if gap > 0:
                cadence = (
                    gap
                    if cadence is None
                    else (1 - CADENCE_WEIGHT) * cadence + CADENCE_WEIGHT * gap
                )
        rows.append(
            {
                "source": key[0],
                "metric": key[1],
                "value": value,
                "unit": unit,
                "ts": ts,
                "last_seen_at": now,
                "cadence_s": cadence,
                "sample_count": len(points),
                "stale": False,
            }
        )
    return rows


async def _fresh_sources(
    session: AsyncSession, known: dict[SeriesKey, Any], keys: set[SeriesKey], now: datetime
) -> list[TimelineEvent]:
    """A source whose metrics were stale is reporting again: one event per source."""
    sources = sorted({key[0] for key in keys if key in known and known[key].stale})
    return [
        await timeline.record(
            session,
            kind="fresh",
            severity="info",
            title=f"{source} is reporting again",
            source=source,
            ts=now,
        )
        for source in sources
    ]


async def ingest(
    session: AsyncSession, samples: list[SampleIn], settings: Settings, now: datetime
) -> Ingested:
    check_clock(samples, settings, now)
    repo = TelemetryRepository(session)
    rows = [
        SampleRow(s.source, s.metric, float(s.value), s.unit, s.ts or now, now, s.attrs)
        for s in samples
    ]
    await repo.insert_samples(rows)

    series: dict[SeriesKey, list[tuple[datetime, float, str | None]]] = defaultdict(list)
    for row in rows:
        series[(row.source, row.metric)].append((row.ts, row.value, row.unit))
    known = await repo.latest_for(series.keys(), lock=True)
    await repo.upsert_latest(_latest_rows(series, known, now))
    await repo.upsert_rollups(rollup_rows((r.source, r.metric, r.ts, r.value) for r in rows))

    previous_ts = {key: as_utc(latest.ts) for key, latest in known.items()}
    changes = await gates.apply_samples(session, series, previous_ts, now)
    events = [*changes.events, *await _fresh_sources(session, known, set(series), now)]

    # The rows were validated on the way in: construct the payload without validating again.
    payloads: list[Publishable] = [
        SamplesPayload.model_construct(
            type="samples",
            samples=[
                StreamSample.model_construct(
                    source=r.source, metric=r.metric, value=r.value, unit=r.unit, ts=r.ts
                )
                for r in rows
            ],
        )
    ]
    payloads += [
        GatePayload(gate=gates.to_schema(g, known.get((g.source, g.metric))))
        for g in changes.gates.values()
    ]
    payloads += [TimelinePayload(event=TimelineEventOut.model_validate(e)) for e in events]
    result = IngestResult(accepted=len(rows), duplicates=0, gate_transitions=changes.transitions)
    return Ingested(result, payloads)
