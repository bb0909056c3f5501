"""Clock skew: how far a source's clock is from the server's.

A source's skew is the median of `received_at - ts` over its recent samples, where the
recent samples are the latest sample of each of its series (the `metric_latest` rows: their
`last_seen_at` is the receive time, their `ts` the device time). Positive: the device's
clock is behind the server's; negative: ahead. Past `CHIRON_SKEW_WARN_S` (default 5 s)
the source is skewed: the summary says so per source and the dashboard marks it, and
ingest records a timeline event when a batch takes the source across the line and when it
comes back. Ingest works it out from the rows it already locks and writes: no statement is
added to a batch, except the event's insert when a batch crosses.

A sample without a device time is stamped with its receive time and so counts as in step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from statistics import median
from typing import Any

from chiron.kit.time import as_utc
from chiron.telemetry.repository import LatestSeen, SeriesKey
from chiron.telemetry.schemas import SourceClock
from chiron.timeline import service as timeline
from chiron.uow import UnitOfWork


def skew_s(deltas: Iterable[float]) -> float:
    return float(median(deltas))


def is_skewed(skew: float, warn_s: float) -> bool:
    return abs(skew) > warn_s


def sources(latest: Iterable[Any], warn_s: float) -> list[SourceClock]:
    """Per source, from its latest rows (`source`, `ts`, `last_seen_at`, times in UTC)."""
    deltas: dict[str, list[float]] = defaultdict(list)
    for row in latest:
        deltas[row.source].append(_delta(as_utc(row.last_seen_at), as_utc(row.ts)))
    out = []
    for source in sorted(deltas):
        skew = skew_s(deltas[source])
        out.append(SourceClock(source=source, skew_s=skew, skewed=is_skewed(skew, warn_s)))
    return out


def describe(skew: float) -> str:
    """`2 h 0 min behind`, `12 s ahead`."""
    seconds = abs(skew)
    if seconds >= 3600:
        amount = f"{int(seconds // 3600)} h {int(seconds % 3600 // 60)} min"
    elif seconds >= 60:
        amount = f"{int(seconds // 60)} min {int(seconds % 60)} s"
    else:
        amount = f"{seconds:.1f} s"
    return f"{amount} {'behind' if skew > 0 else 'ahead'}"


async def record_crossings(
    uow: UnitOfWork,
    known: Mapping[SeriesKey, LatestSeen],
    rows: list[dict[str, Any]],
    warn_s: float,
    now: datetime,
) -> None:
    """A timeline event per source the batch takes across `warn_s`, either way: its skew
    over the batch's series before the batch (the rows as locked) against after it (the
    rows as written: the latest time moves forward only)."""
    before: dict[str, list[float]] = defaultdict(list)
    after: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        source = row["source"]
        previous = known.get((source, row["metric"]))
        ts = row["ts"]
        if previous is not None:
            before[source].append(_delta(previous.last_seen_at, previous.ts))
            ts = max(ts, previous.ts)
        after[source].append(_delta(now, ts))
    for source in sorted(after):
        was = bool(before.get(source)) and is_skewed(skew_s(before[source]), warn_s)
        skew = skew_s(after[source])
        now_skewed = is_skewed(skew, warn_s)
        if now_skewed and not was:
            await timeline.record(
                uow,
                kind="clock_skew",
                severity="warning",
                title=f"{source}'s clock is {describe(skew)}",
                body=f"Device times are {skew:+.1f} s from the server's receive times "
                f"(limit ±{warn_s:g} s)",
                source=source,
                ts=now,
            )
        elif was and not now_skewed:
            await timeline.record(
                uow,
                kind="clock_in_step",
                severity="info",
                title=f"{source}'s clock is back in step",
                body=f"Skew {skew:+.1f} s (limit ±{warn_s:g} s)",
                source=source,
                ts=now,
            )


def _delta(received: datetime, ts: datetime) -> float:
    return (received - ts).total_seconds()
