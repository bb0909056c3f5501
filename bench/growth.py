"""Growth benchmark: ingest and queries as the PostgreSQL store grows (issue 26).

    apps/api/.venv/bin/python bench/growth.py [--levels 0,10000000,30000000] [--seconds 8]
        [--rounds 3] [--concurrency 8]

Two stores of their own: one stays empty, the other grows to each level in turn. Growing
adds samples over older days (10 M samples for every 30 days, 40 series, the density of the
query benchmark in bench/ingest.py), creates those days' partitions first as the prune job
would have (samples, 10 s and 1 min rollups), folds the new rows into the rollups and the
latest values the way ingest keeps them, then tops the data up to the current second.

At each level Chiron (`chiron serve` as deployed, gates on, Redis bus) ingests into the empty
store and into the grown one in alternating rounds of --seconds each (a server per round, the
same batches and clients), so the ratio grown / empty is read within the same minutes of a
shared machine. Then, on the grown store, the summary and the series over its whole range
(500 points) are timed, 200 requests each after a warm-up.

Targets (issue 26): ingest at 30 M rows within 10 % of the empty store's; summary p99
<= 20 ms and series p99 <= 15 ms at 30 M rows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
from _stack import api_key, chiron_server, free_port, store
from ingest import (
    AS_DEPLOYED,
    SAMPLE_COLUMNS,
    catch_up,
    chiron,
    fold,
    make_batches,
    series_names,
    time_get,
    time_series,
)

from chiron.telemetry.stores.postgres import DAILY

SERIES = 40
ROWS_PER_BLOCK = 10_000_000
BLOCK = timedelta(days=30)
CHUNK = 200_000


async def add_block(url: str, index: int, rows: int) -> tuple[datetime, datetime]:
    """`rows` samples over the 30 days before the previous block (block 0 ends now), in their
    own daily partitions, folded into rollups and latest values. Returns the block's span."""
    end = datetime.now(UTC).replace(microsecond=0) - BLOCK * index
    start = end - BLOCK
    step = BLOCK / (rows / SERIES)
    names = series_names(SERIES)
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        day = start.date()
        while day <= end.date():
            for table in DAILY:
                await conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {table.name(day)} PARTITION OF {table.parent} "
                    f"FOR VALUES FROM ('{_midnight(day).isoformat()}') "
                    f"TO ('{_midnight(day + timedelta(days=1)).isoformat()}'){table.storage}"
                )
            day += timedelta(days=1)
        done = 0
        value = 0.0
        while done < rows:
            records = []
            for n in range(done, min(rows, done + CHUNK)):
                source, metric = names[n % SERIES]
                ts = start + step * (n // SERIES)
                value = (value + 37.1) % 100
                records.append((source, metric, value, "u", ts, ts, None))
            await conn.copy_records_to_table(
                "telemetry_samples", records=records, columns=SAMPLE_COLUMNS
            )
            done += len(records)
            if done % 2_000_000 == 0:
                print(f"  block {index}: {done:,} / {rows:,} samples", flush=True)
        await fold(conn, start, end, older=True)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return start, end


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def stored(url: str) -> int:
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM telemetry_samples"))
    finally:
        await conn.close()


def level_figures(
    empty: str, grown: str, first: datetime, args: argparse.Namespace
) -> dict[str, Any]:
    rows = asyncio.run(stored(grown))
    batches = make_batches(64, datetime.now(UTC) - timedelta(minutes=2))
    rounds: dict[str, list[dict[str, float]]] = {"empty": [], "grown": []}
    for n in range(args.rounds):
        # Alternate which store goes first: a drift in the machine's load favours neither.
        order = [("empty", empty), ("grown", grown)]
        for name, url in order if n % 2 == 0 else order[::-1]:
            result = chiron(url, batches, args, redis=True)
            rounds[name].append(result)
            print(
                f"  round {n + 1} {name}: {result['rate']:,.0f} samples/s, "
                f"p99 {result['p99_ms']:.0f} ms",
                flush=True,
            )
    rate = {k: statistics.median(r["rate"] for r in v) for k, v in rounds.items()}
    p99 = {k: statistics.median(r["p99_ms"] for r in v) for k, v in rounds.items()}
    token = api_key(grown, "read")
    port = free_port()
    end = datetime.now(UTC)
    with chiron_server(grown, port, redis=True, **AS_DEPLOYED):
        summary = asyncio.run(time_get(port, token, "/api/v1/dashboard/summary", {}, 200))
        series = asyncio.run(time_series(port, token, end, end - first, 500, 200))
    return {
        "rows": rows,
        "ingest_empty": rate["empty"],
        "ingest_grown": rate["grown"],
        "ratio": rate["grown"] / rate["empty"],
        "ingest_p99_empty_ms": p99["empty"],
        "ingest_p99_grown_ms": p99["grown"],
        "rounds": {k: [round(r["rate"]) for r in v] for k, v in rounds.items()},
        "summary": summary,
        "series_whole_range": series,
        "range_days": (end - first) / timedelta(days=1),
    }


def report(levels: list[dict[str, Any]]) -> str:
    lines = [
        "| stored samples (grown store) | ingest, empty store (samples/s) | ingest, grown "
        "store | grown / empty | ingest p99 empty / grown ms | summary p50 / p99 ms | "
        "series (whole range, 500 points) p50 / p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for lv in levels:
        s, q = lv["summary"], lv["series_whole_range"]
        lines.append(
            f"| {lv['rows']:,} | {lv['ingest_empty']:,.0f} | {lv['ingest_grown']:,.0f} | "
            f"{lv['ratio']:.2f} | {lv['ingest_p99_empty_ms']:.0f} / "
            f"{lv['ingest_p99_grown_ms']:.0f} | {s['p50_ms']:.1f} / {s['p99_ms']:.1f} | "
            f"{q['p50_ms']:.1f} / {q['p99_ms']:.1f} ({lv['range_days']:.0f} days) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", default="0,10000000,30000000")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--block-rows",
        type=int,
        default=ROWS_PER_BLOCK,
        help="samples per 30 days of history (levels are multiples of it)",
    )
    args = parser.parse_args()
    args.workers = 1
    block = args.block_rows
    levels = [int(x) for x in args.levels.split(",")]
    if any(lv % block for lv in levels) or levels != sorted(levels):
        raise SystemExit(f"bench: --levels are ascending multiples of {block:,}")
    out = []
    with store("postgres") as empty, store("postgres") as grown:
        blocks = 0
        first = datetime.now(UTC) - timedelta(hours=1)
        for level in levels:
            started = time.perf_counter()
            while blocks * block < level:
                first, _ = asyncio.run(add_block(grown, blocks, block))
                blocks += 1
            if level:
                added = asyncio.run(catch_up(grown, SERIES, BLOCK / (block / SERIES)))
                print(
                    f"==> grown to {level:,} samples in {time.perf_counter() - started:.0f} s "
                    f"(+{added:,} up to now)",
                    flush=True,
                )
            print(f"==> level {level:,}: ingest, empty and grown stores alternating", flush=True)
            figures = level_figures(empty, grown, first, args)
            figures["level"] = level
            print(json.dumps(figures), flush=True)
            out.append(figures)
    print()
    print(report(out))


if __name__ == "__main__":
    main()
