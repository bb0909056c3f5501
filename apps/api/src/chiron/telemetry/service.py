"""The ingest pipeline, one for every front door: validate against the clock, store in bulk,
keep latest values and rollups current, step gates, record the timeline, and put the stream
messages in the unit of work's outbox (sent after the commit)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import orjson

from chiron.auth import binding
from chiron.config import Settings
from chiron.errors import Conflict, InvalidInput
from chiron.gates import service as gates
from chiron.gates.rules import Thresholds, metric_severity
from chiron.kit.time import clock_window, utcnow
from chiron.telemetry import clock, idempotency
from chiron.telemetry.repository import (
    LatestSeen,
    SampleColumns,
    SeriesKey,
)
from chiron.telemetry.rollups import RESOLUTIONS
from chiron.telemetry.schemas import IngestResult, MetricPayload, MetricState
from chiron.telemetry.stores import sample_store
from chiron.timeline import service as timeline
from chiron.uow import UnitOfWork

_LATEST = datetime.max.replace(tzinfo=UTC)
_EARLIEST = datetime.min.replace(tzinfo=UTC)
CADENCE_WEIGHT = 0.2  # smoothing of the seconds-between-reports estimate


class SampleLike(Protocol):
    """A validated sample as any front door hands it over: a `SampleIn` from the JSON door,
    or a protocol door's lighter tuple checked against the same schema types."""

    @property
    def source(self) -> str: ...
    @property
    def metric(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def ts(self) -> datetime | None: ...
    @property
    def attrs(self) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class Idempotency:
    """A batch's Idempotency-Key, whose principal sent it, and a digest of its body."""

    principal: str
    key: str
    digest: str


@dataclass(slots=True)
class SamplesMessage:
    """The batch's `samples` stream message, encoded (after the commit, by the outbox)
    straight from the columns: a StreamSample model per sample would cost more than the rest
    of the encoding, and encoding inside the transaction would hold the batch's row locks
    (PostgreSQL) or the writer (SQLite) longer. Each reading carries its severity against
    its series' gate, decided here once (the dashboard draws it)."""

    batch: SampleColumns
    rules: Mapping[SeriesKey, tuple[Thresholds, object]] = field(default_factory=dict)
    type: str = "samples"

    def encode(self) -> bytes:
        batch, rules = self.batch, self.rules
        samples = [
            {
                "source": source,
                "metric": metric,
                "value": value,
                "unit": unit,
                "ts": ts,
                "severity": _severity(rules.get((source, metric)), value),
            }
            for source, metric, value, unit, ts in zip(
                batch.source, batch.metric, batch.value, batch.unit, batch.ts, strict=True
            )
        ]
        return orjson.dumps({"type": "samples", "samples": samples}, option=orjson.OPT_UTC_Z)


def _severity(rule: tuple[Thresholds, object] | None, value: float) -> str:
    return "ok" if rule is None else metric_severity(rule[0], value)


def columns(samples: Sequence[SampleLike], now: datetime) -> SampleColumns:
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


def _latest(points: list[tuple[datetime, float, str | None]]) -> tuple[datetime, float, str | None]:
    """The latest point; of points with the same time, the last one sent (a batch of samples
    without device times keeps its order)."""
    best = points[0]
    for point in points:
        if point[0] >= best[0]:
            best = point
    return best


def _latest_rows(
    series: dict[SeriesKey, list[tuple[datetime, float, str | None]]],
    known: dict[SeriesKey, LatestSeen],  # times in UTC, as the repository reads them
    now: datetime,
) -> list[dict[str, Any]]:
    rows = []
    for key, points in series.items():
        ts, value, unit = _latest(points)
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
    uow: UnitOfWork, known: dict[SeriesKey, LatestSeen], keys: set[SeriesKey], now: datetime
) -> None:
    """A source whose metrics were stale is reporting again: one event per source."""
    for source in sorted({key[0] for key in keys if key in known and known[key].stale}):
        await timeline.record(
            uow,
            kind="fresh",
            severity="info",
            title=f"{source} is reporting again",
            source=source,
            ts=now,
        )


async def ingest(
    uow: UnitOfWork,
    samples: Sequence[SampleLike],
    settings: Settings,
    *,
    idempotency_key: Idempotency | None = None,
    now: datetime | None = None,
    allowed_sources: Sequence[str] | None = None,
) -> IngestResult:
    """Ingest one batch in the unit of work: all of it or nothing, a retried key once.

    Every front door (JSON, line protocol, OTLP, MQTT) hands its batch here, with the
    principal's `sources` as `allowed_sources`: a source-bound key writing any other source
    is refused before anything is stored (403 `source_not_allowed`)."""
    binding.check(allowed_sources, {s.source for s in samples})
    now = now or utcnow()
    if idempotency_key is None:
        return await _store(uow, _checked(samples, settings, now), now, settings.skew_warn_s)
    horizon = now - timedelta(seconds=settings.idempotency_ttl_s)
    claim = idempotency_key
    # A retry gets its first answer, even once its device times have aged past the window.
    replayed = await idempotency.replay(uow, claim.principal, claim.key, claim.digest, horizon)
    if replayed is not None:
        return replayed
    batch = _checked(samples, settings, now)
    try:
        await idempotency.reserve(
            uow, claim.principal, claim.key, claim.digest, now, settings.idempotency_ttl_s
        )
    except idempotency.KeyTaken:
        # A concurrent request with the same key won the race; answer as its retry.
        await uow.rollback()
        replayed = await idempotency.replay(uow, claim.principal, claim.key, claim.digest, horizon)
        if replayed is None:  # the other request failed and rolled back: nothing to replay
            raise Conflict(
                "Another request with this Idempotency-Key did not complete; retry",
                code="idempotency_key_in_use",
            ) from None
        return replayed
    result = await _store(uow, batch, now, settings.skew_warn_s)
    await idempotency.store_answer(uow, claim.principal, claim.key, result)
    return result


def _checked(samples: Sequence[SampleLike], settings: Settings, now: datetime) -> SampleColumns:
    batch = columns(samples, now)
    check_clock(batch, settings)
    return batch


async def _store(
    uow: UnitOfWork, batch: SampleColumns, now: datetime, skew_warn_s: float
) -> IngestResult:
    # Everything the transaction can know before it writes is worked out first: from the
    # insert (which locks the batch's rollup rows) to the commit, concurrent batches of the
    # same series wait.
    series: dict[SeriesKey, list[tuple[datetime, float, str | None]]] = defaultdict(list)
    for source, metric, ts, value, unit in zip(
        batch.source, batch.metric, batch.ts, batch.value, batch.unit, strict=True
    ):
        series[(source, metric)].append((ts, value, unit))
    session = await uow.begin()
    store = sample_store(uow.db)
    await store.write_batch(session, batch, RESOLUTIONS)
    locked = await store.lock_latest(session, series.keys())
    known = locked.latest
    rows = _latest_rows(series, known, now)
    await store.upsert_latest(session, rows)
    message = SamplesMessage(batch)
    uow.publish(message)  # first on the stream: the readings, then what they changed

    watched = {key: series[key] for key in locked.gated}
    stepped = await gates.apply_samples(uow, watched, known, now)
    message.rules = stepped.rules
    _fresh_metrics(uow, known, rows, stepped.rules)
    await _fresh_sources(uow, known, set(series), now)
    await clock.record_crossings(uow, known, rows, skew_warn_s, now)
    return IngestResult(accepted=len(batch), duplicates=0, gate_transitions=stepped.transitions)


def _fresh_metrics(
    uow: UnitOfWork,
    known: dict[SeriesKey, LatestSeen],
    rows: list[dict[str, Any]],
    rules: Mapping[SeriesKey, tuple[Thresholds, gates.AnyGate]],
) -> None:
    """A series that was stale reports again: say so on the stream (the sweep says when it
    goes stale), so an open page needs no clock of its own."""
    for row in rows:
        key = (row["source"], row["metric"])
        previous = known.get(key)
        if previous is None or not previous.stale:
            continue
        rule = rules.get(key)
        limit = gates.effective_stale_after(rule[1] if rule else None, row["cadence_s"])
        uow.publish(
            MetricPayload(
                metric=MetricState(
                    source=key[0],
                    metric=key[1],
                    stale=False,
                    last_seen_at=row["last_seen_at"],
                    stale_after_s=limit,
                )
            )
        )
