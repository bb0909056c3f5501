"""Ingest rules: validate against the clock, store in bulk, keep latest values and rollups
current, step gates, record the timeline, and say what to publish once committed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from chiron.config import Settings
from chiron.errors import InvalidInput
from chiron.gates import service as gates
from chiron.kit.time import clock_window
from chiron.models import TimelineEvent
from chiron.stream.payloads import Encoded, GatePayload, TimelinePayload
from chiron.stream.publisher import Publishable
from chiron.telemetry.repository import (
    LatestSeen,
    SampleColumns,
    SeriesKey,
    TelemetryRepository,
)
from chiron.telemetry.rollups import RESOLUTIONS
from chiron.telemetry.schemas import IngestResult, SampleIn
from chiron.timeline import service as timeline
from chiron.timeline.schemas import TimelineEventOut

_LATEST = datetime.max.replace(tzinfo=UTC)
_EARLIEST = datetime.min.replace(tzinfo=UTC)
CADENCE_WEIGHT = 0.2  # smoothing of the seconds-between-reports estimate


@dataclass(slots=True)
class Ingested:
    result: IngestResult
    batch: SampleColumns
    changes: list[Publishable]  # gate and timeline messages, built inside the transaction

    def payloads(self) -> list[Publishable]:
        """The stream messages, samples first. Encoding the samples is pure CPU on the event
        loop, so the endpoint calls this after the commit: on PostgreSQL, concurrent batches
        of the same series wait for this one's row locks until then."""
        return [samples_payload(self.batch), *self.changes]


def columns(samples: list[SampleIn], now: datetime) -> SampleColumns:
    """The batch column by column, in one pass: device times in UTC (naive ones are UTC),
    the receive time where a sample has none."""
    batch = SampleColumns([], [], [], [], [], [], now)
    for s in samples:
        ts = s.ts
        if ts is None:
            ts = now
        elif ts.tzinfo is None:
            ts = ts.replace(tzinfo=UTC)
        elif ts.utcoffset():
            try:
                ts = ts.astimezone(UTC)
            except OverflowError:  # past year 9999 or before year 1 in UTC: refused below
                ts = _LATEST if ts.year > 1 else _EARLIEST
        batch.source.append(s.source)
        batch.metric.append(s.metric)
        batch.value.append(float(s.value))
        batch.unit.append(s.unit)
        batch.ts.append(ts)
        batch.attrs.append(s.attrs)
    return batch


def check_clock(batch: SampleColumns, settings: Settings) -> None:
    """Refuse device times far in the future or absurdly old; name every offending sample."""
    earliest, latest = clock_window(
        batch.received_at, settings.future_tolerance_s, settings.max_age_days
    )
    if min(batch.ts) >= earliest and max(batch.ts) <= latest:
        return
    bad: list[dict[str, Any]] = []
    for index, ts in enumerate(batch.ts):
        if earliest <= ts <= latest:
            continue
        too_new = ts > latest
        bad.append(
            {
                "loc": ["body", "samples", index, "ts"],
                "msg": "too far in the future" if too_new else "too old",
                "type": "ts_in_future" if too_new else "ts_too_old",
            }
        )
        if len(bad) >= 50:
            break
    if bad:
        raise InvalidInput(
            f"Sample timestamps must be within {settings.future_tolerance_s:.0f} s of the "
            f"server clock in the future and {settings.max_age_days} days in the past",
            details=bad,
        )


def samples_payload(batch: SampleColumns) -> Encoded:
    """The batch's `samples` stream message, encoded straight from the columns: a
    StreamSample model per sample would cost more than the rest of the encoding."""
    samples = [
        {"source": source, "metric": metric, "value": value, "unit": unit, "ts": ts}
        for source, metric, value, unit, ts in zip(
            batch.source, batch.metric, batch.value, batch.unit, batch.ts, strict=True
        )
    ]
    data = orjson.dumps({"type": "samples", "samples": samples}, option=orjson.OPT_UTC_Z)
    return Encoded("samples", data)


def _latest_rows(
    series: dict[SeriesKey, list[tuple[datetime, float, str | None]]],
    known: dict[SeriesKey, LatestSeen],  # times in UTC, as the repository reads them
    now: datetime,
) -> list[dict[str, Any]]:
    rows = []
    for key, points in series.items():
        ts, value, unit = max(points, key=lambda p: p[0])
        previous = known.get(key)
        cadence = previous.cadence_s if previous else None
        if previous is not None:
            gap = (now - previous.last_seen_at).total_seconds()
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
    batch = columns(samples, now)
    check_clock(batch, settings)
    # Everything the transaction can know before it writes is worked out first: from the
    # insert (which locks the batch's rollup rows) to the commit, concurrent batches of the
    # same series wait.
    series: dict[SeriesKey, list[tuple[datetime, float, str | None]]] = defaultdict(list)
    for source, metric, ts, value, unit in zip(
        batch.source, batch.metric, batch.ts, batch.value, batch.unit, strict=True
    ):
        series[(source, metric)].append((ts, value, unit))
    repo = TelemetryRepository(session)
    await repo.insert_samples(batch, RESOLUTIONS)
    locked = await repo.lock_latest(series.keys())
    known = locked.latest
    await repo.upsert_latest(_latest_rows(series, known, now))

    previous_ts = {key: latest.ts for key, latest in known.items()}
    watched = {key: series[key] for key in locked.gated}
    changes = await gates.apply_samples(session, watched, previous_ts, now)
    events = [*changes.events, *await _fresh_sources(session, known, set(series), now)]

    messages: list[Publishable] = [
        GatePayload(gate=gates.to_schema(g, known.get((g.source, g.metric))))
        for g in changes.gates.values()
    ]
    messages += [TimelinePayload(event=TimelineEventOut.model_validate(e)) for e in events]
    result = IngestResult(accepted=len(batch), duplicates=0, gate_transitions=changes.transitions)
    return Ingested(result, batch, messages)
