"""Retention benchmark: prune a day of samples while ingest runs, against ingest before it.

    apps/api/.venv/bin/python bench/prune.py [--store sqlite|postgres|both] [--rows 200000]
        [--rows 10000000 for the issue's target] [--concurrency 4]

The store is filled with --rows samples spread evenly over two whole UTC days a month ago
(rollups and latest values folded as ingest keeps them). `chiron serve` then runs with a
raw and rollup retention that cuts between the two days, and its prune job
(CHIRON_PRUNE_INTERVAL_S) starts a few seconds after start-up while a loopback client
ingests 500-sample batches: the latencies before the prune are the baseline, those while
it runs are compared with them. Printed: prune seconds and rows removed, ingest p50/p99
before and during, and their ratios (one run, same machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import asyncpg
from _stack import API, BIN, api_key, env_for, free_port, percentile, store
from ingest import SAMPLE_COLUMNS, fold, make_batches

SERIES = [(f"dev-{i}", m) for i in range(8) for m in ("battery.voltage", "core.temp", "link")]
PRUNE_AFTER_S = 8  # the job's first run (min(60 s, interval)): the baseline comes before


def days(now: datetime) -> tuple[datetime, datetime]:
    """Midnight of the first of the two filled days (33 days ago) and the cutoff: the
    retention, in whole hours, that puts the cutoff in the first hour of the second day."""
    first = datetime(now.year, now.month, now.day, tzinfo=UTC) - timedelta(days=33)
    keep_h = int((now - (first + timedelta(days=1))).total_seconds() // 3600)
    return first, now - timedelta(hours=keep_h)


async def fill_postgres(url: str, first: datetime, rows: int) -> None:
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        # The days' partitions, as the prune job would have created them ahead.
        for d in range(2):
            lo = first + timedelta(days=d)
            for parent in (
                "telemetry_samples",
                "sample_rollups_r10",
                "sample_rollups_r60",
            ):
                await conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {parent}_p{lo:%Y%m%d} PARTITION OF {parent} "
                    f"FOR VALUES FROM ('{lo.isoformat()}') "
                    f"TO ('{(lo + timedelta(days=1)).isoformat()}')"
                )
        chunk = 200_000
        for at in range(0, rows, chunk):
            records = _chunk(first, rows, at, chunk)
            await conn.copy_records_to_table(
                "telemetry_samples", records=records, columns=SAMPLE_COLUMNS
            )
            print(f"  loaded {min(rows, at + chunk):,} / {rows:,}", flush=True)
        await fold(conn, None)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def _chunk(first: datetime, rows: int, at: int, size: int) -> list[tuple[Any, ...]]:
    rng = random.Random(at)
    step = timedelta(days=2) / rows
    out = []
    for n in range(at, min(rows, at + size)):
        source, metric = SERIES[n % len(SERIES)]
        ts = first + step * n
        out.append((source, metric, rng.uniform(0, 100), "u", ts, ts, None))
    return out


def fill_sqlite(url: str, first: datetime, rows: int) -> None:
    def text(ts: datetime) -> str:
        return ts.isoformat(" ", "microseconds")[:26]

    db = sqlite3.connect(url.split("///", 1)[1])
    try:
        for at in range(0, rows, 200_000):
            records = _chunk(first, rows, at, 200_000)
            db.executemany(
                f"INSERT INTO telemetry_samples ({', '.join(SAMPLE_COLUMNS)}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(s, m, v, u, text(t), text(r), a) for s, m, v, u, t, r, a in records],
            )
            db.commit()
            print(f"  loaded {min(rows, at + 200_000):,} / {rows:,}", flush=True)
        for res in (10, 60, 600, 3600):
            db.execute(
                f"""
                INSERT INTO sample_rollups
                    (source, metric, resolution_s, bucket_start, min, max, sum, count)
                SELECT source, metric, {res},
                       strftime('%Y-%m-%d %H:%M:%S', sec / {res} * {res}, 'unixepoch')
                       || '.000000', min(value), max(value), sum(value), count(*)
                FROM (SELECT source, metric, value,
                             CAST(strftime('%s', substr(ts, 1, 19)) AS INTEGER) AS sec
                      FROM telemetry_samples)
                GROUP BY 1, 2, 3, 4 ORDER BY 4, 1, 2"""
            )
        db.execute(
            """
            INSERT INTO metric_latest (source, metric, value, unit, ts, last_seen_at,
                                       cadence_s, sample_count, stale)
            SELECT source, metric, value, unit, max(ts), max(ts), 1.0, count(*), 0
            FROM telemetry_samples GROUP BY source, metric"""
        )
        db.commit()
        db.execute("ANALYZE")
    finally:
        db.close()


async def drive(
    port: int, token: str, marks: dict[str, float], concurrency: int
) -> list[tuple[float, float]]:
    """Ingest until the prune has finished and as long again: (start, latency) pairs."""
    batches = make_batches(64, datetime.now(UTC))
    bodies = [json.dumps({"samples": b}).encode() for b in batches]
    headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
    timed: list[tuple[float, float]] = []
    url = f"http://127.0.0.1:{port}/api/v1/dashboard/samples"
    deadline = time.perf_counter() + 600

    def done() -> bool:
        end = marks.get("finished")
        return time.perf_counter() > deadline or (end is not None and time.perf_counter() > end + 2)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

        async def worker(offset: int) -> None:
            i = offset
            while not done():
                started = time.perf_counter()
                async with http.post(url, data=bodies[i % len(bodies)], headers=headers) as r:
                    await r.read()
                    if r.status != 202:
                        raise SystemExit(f"bench: ingest answered {r.status}")
                timed.append((started, time.perf_counter() - started))
                i += concurrency

        await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return timed


def watch(stream: Any, marks: dict[str, float], info: dict[str, Any]) -> None:
    """Reads the server's JSON log: when the prune job started and finished."""
    for line in iter(stream.readline, b""):
        try:
            event = json.loads(line)
        except ValueError:
            continue
        name = event.get("event")
        if name == "prune_started" and "started" not in marks:
            marks["started"] = time.perf_counter()
        elif name == "prune_finished" and "finished" not in marks:
            marks["finished"] = time.perf_counter()
            info.update(event)


def run(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    now = datetime.now(UTC)
    first, cutoff = days(now)
    keep = f"{int((now - cutoff).total_seconds() // 3600)}h"
    with store(kind) as url:
        print(f"{kind}: filling {args.rows:,} samples over {first:%Y-%m-%d} and the next day")
        if kind == "postgres":
            asyncio.run(fill_postgres(url, first, args.rows))
        else:
            fill_sqlite(url, first, args.rows)
        token = api_key(url, "ingest", "read")
        port = free_port()
        retention = {
            f"CHIRON_RETENTION_{tier}": keep for tier in ("RAW", "ROLLUP_10S", "ROLLUP_1M")
        }
        retention.update(CHIRON_RETENTION_ROLLUP_10M="off", CHIRON_RETENTION_ROLLUP_1H="off")
        env = env_for(
            url,
            kind == "postgres",
            CHIRON_ENV="production",
            CHIRON_LOG_LEVEL="INFO",
            CHIRON_PRUNE_INTERVAL_S=str(PRUNE_AFTER_S),
            **retention,
        )
        proc = subprocess.Popen(
            [str(BIN / "chiron"), "serve", "--port", str(port)],
            env=env,
            cwd=API,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        marks: dict[str, float] = {}
        info: dict[str, Any] = {}
        threading.Thread(target=watch, args=(proc.stderr, marks, info), daemon=True).start()
        try:
            _wait_ready(port)
            timed = asyncio.run(drive(port, token, marks, args.concurrency))
        finally:
            proc.terminate()
            proc.wait(10)
    if "finished" not in marks:
        raise SystemExit("bench: the prune job never reported finishing")
    # Baseline: from 1 s after the first request (warm) up to the prune's start.
    t0 = timed[0][0] + 1.0
    before = [lat for at, lat in timed if t0 <= at < marks["started"]]
    during = [lat for at, lat in timed if marks["started"] <= at < marks["finished"]]
    return {
        "store": kind,
        "rows": args.rows,
        "removed": info.get("rows", 0),
        "batches": info.get("batches", 0),
        "prune_s": info.get("seconds", float("nan")),
        "longest_ms": info.get("longest_batch_ms", float("nan")),
        "counting_ms": info.get("counting_ms", 0.0),
        "before": (
            percentile(before, 0.5) * 1e3,
            percentile(before, 0.99) * 1e3,
            len(before),
        ),
        "during": (
            percentile(during, 0.5) * 1e3,
            percentile(during, 0.99) * 1e3,
            len(during),
        ),
    }


def _wait_ready(port: int) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("bench: server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=200_000, help="samples over the two days")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.store == "both" else [args.store]
    results = [run(kind, args) for kind in kinds]
    print(f"\nprune of one day of {args.rows // 2:,} samples (+ its rollups) during ingest")
    for r in results:
        (b50, b99, nb), (d50, d99, nd) = r["before"], r["during"]
        print(
            f"{r['store']:>9}: prune {r['prune_s']:.2f} s, {r['removed']:,} rows in "
            f"{r['batches']} batches ({r['removed'] / max(r['prune_s'], 1e-9):,.0f} rows/s, "
            f"longest batch {r['longest_ms']:.0f} ms"
            + (f", counting {r['counting_ms']:.0f} ms off the lock" if r["counting_ms"] else "")
            + "); "
            f"ingest p50 {b50:.1f} -> {d50:.1f} ms ({d50 / b50:.2f}x), "
            f"p99 {b99:.1f} -> {d99:.1f} ms ({d99 / b99:.2f}x) [{nb} / {nd} batches]"
        )


if __name__ == "__main__":
    main()
