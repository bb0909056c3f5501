"""Ingest benchmark: Chiron's real endpoint against the store's own limit and a naive
endpoint, measured in one run on the same machine and table, reported as ratios.

    apps/api/.venv/bin/python bench/ingest.py [--store sqlite|postgres|both] [--seconds 8]
        [--query-rows 10000000]

1. limit: raw asyncpg COPY (PostgreSQL) / raw sqlite3 executemany (SQLite) of the same rows;
2. naive: an endpoint that validates with Pydantic and `session.add()`s each sample;
3. chiron: `chiron serve` over HTTP with auth, gates (one per source), rollups and
   publishing, driven by a bounded loopback client with 500-sample batches;
4. the peer (beside the PostgreSQL run): InfluxDB 1.6 (Debian's `influxdb`, installed when
   missing and root, else skipped with a loud line) on a free port, fed the same points as
   line protocol at the same concurrency.
CPU per stored sample is read from /proc for the API's process tree, the store's backends
and influxd.
Then, on PostgreSQL, the summary and series queries over --query-rows samples.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from _peers import CpuMeter, influxd, tree
from _stack import (
    api_key,
    chiron_server,
    env_for,
    free_port,
    percentile,
    python,
    server,
    store,
)

BATCH = 500
WARM_UP = 10  # untimed requests before each query measurement
SAMPLE_COLUMNS = ("source", "metric", "value", "unit", "ts", "received_at", "attrs")
SOURCES = [f"dev-{i}" for i in range(8)]
METRICS = ["battery.voltage", "core.temp", "link.quality", "cpu.load", "velocity"]
ROOT = Path(__file__).resolve().parents[1]
# Chiron runs as deployed: production mode (JSON logs, tracing recorded, GC tuned for a
# long-lived server process).
AS_DEPLOYED = {"CHIRON_ENV": "production"}


def make_batches(count: int, start: datetime) -> list[list[dict[str, Any]]]:
    rng = random.Random(1)
    batches = []
    tick = 0
    for _ in range(count):
        batch = []
        for _ in range(BATCH):
            tick += 1
            batch.append(
                {
                    "source": SOURCES[tick % len(SOURCES)],
                    "metric": METRICS[tick % len(METRICS)],
                    "value": round(rng.uniform(0, 100), 3),
                    "unit": "u",
                    "ts": (start + timedelta(milliseconds=tick)).isoformat(),
                }
            )
        batches.append(batch)
    return batches


# -- 1. the store's limit ---------------------------------------------------------------


def rows_of(batches: list[list[dict[str, Any]]]) -> list[tuple[Any, ...]]:
    now = datetime.now(UTC)
    return [
        (
            s["source"],
            s["metric"],
            s["value"],
            s["unit"],
            datetime.fromisoformat(s["ts"]),
            now,
            None,
        )
        for b in batches
        for s in b
    ]


# Each limit runs as long as Chiron's measurement (`--seconds`), cycling through the batches,
# so both see a table growing for the same time; a single pass over the rows took under a
# second and moved by +-30 % from run to run.


async def limit_postgres(url: str, rows: list[tuple[Any, ...]], seconds: float) -> float:
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        stored = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            i = stored % len(rows)
            async with conn.transaction():
                await conn.copy_records_to_table(
                    "telemetry_samples",
                    records=rows[i : i + BATCH],
                    columns=SAMPLE_COLUMNS,
                )
            stored += BATCH
        elapsed = time.perf_counter() - started
        await conn.execute("TRUNCATE telemetry_samples")
    finally:
        await conn.close()
    return stored / elapsed


def limit_sqlite(url: str, rows: list[tuple[Any, ...]], seconds: float) -> float:
    path = url.split(":///", 1)[1]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    text_rows = [
        (
            r[0],
            r[1],
            r[2],
            r[3],
            r[4].strftime("%Y-%m-%d %H:%M:%S.%f"),
            r[5].strftime("%Y-%m-%d %H:%M:%S.%f"),
            None,
        )
        for r in rows
    ]
    stored = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        i = stored % len(text_rows)
        with conn:
            conn.executemany(
                "INSERT INTO telemetry_samples"
                " (source, metric, value, unit, ts, received_at, attrs)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                text_rows[i : i + BATCH],
            )
        stored += BATCH
    elapsed = time.perf_counter() - started
    with conn:
        conn.execute("DELETE FROM telemetry_samples")
    conn.close()
    return stored / elapsed


# -- 2 and 3: HTTP load ------------------------------------------------------------------


async def drive(
    port: int,
    token: str | None,
    batches: list[list[dict[str, Any]]],
    concurrency: int,
    seconds: float,
) -> dict[str, float]:
    """Chiron's (or the naive app's) ingest endpoint under load."""
    bodies = [json.dumps({"samples": b}).encode() for b in batches]
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    url = f"http://127.0.0.1:{port}/api/v1/dashboard/samples"
    return await post_load(url, bodies, headers, 202, concurrency, seconds)


async def post_load(
    url: str,
    bodies: list[bytes],
    headers: dict[str, str],
    ok: int,
    concurrency: int,
    seconds: float,
) -> dict[str, float]:
    """`concurrency` closed-loop clients POSTing `bodies` (BATCH samples each) in turn."""
    latencies: list[float] = []
    errors = 0
    first_error = ""
    sent = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker(offset: int) -> None:
            nonlocal errors, first_error, sent
            i = offset
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with http.post(url, data=bodies[i % len(bodies)], headers=headers) as resp:
                    body = await resp.read()
                    if resp.status != ok:
                        errors += 1
                        first_error = first_error or f"{resp.status} {body[:500].decode()}"
                        continue
                latencies.append(time.perf_counter() - started)
                sent += BATCH
                i += concurrency

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(concurrency)))
        elapsed = time.perf_counter() - started
    if errors:
        # A rate measured over refused requests is no measurement: stop and say why.
        raise SystemExit(f"bench: {errors} requests to {url} were refused; first: {first_error}")
    return {
        "rate": sent / elapsed,
        "samples": sent,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "errors": errors,
        "requests": len(latencies),
    }


def naive(
    url: str, batches: list[list[dict[str, Any]]], args: argparse.Namespace
) -> dict[str, float]:
    port = free_port()
    cmd = [
        python(),
        "-m",
        "uvicorn",
        "naive_app:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--app-dir",
        str(ROOT / "bench"),
    ]
    with server(cmd, env_for(url, False), port):
        return asyncio.run(drive(port, None, batches, args.concurrency, args.seconds))


# One gate per source, as a fleet would have: every batch steps 8 of its 40 series through
# a gate. The values are uniform in [0, 100), so a gate crosses its line on about 1 % of
# batches and clears it on the next (a transition and a timeline event each time).
GATED_METRIC = "core.temp"


async def put_gates(port: int, token: str) -> None:
    headers = {"authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession() as http:
        for source in SOURCES:
            gate = {
                "title": f"{source} core",
                "source": source,
                "metric": GATED_METRIC,
                "warn": 99.99,
                "critical": 99.999,
                "hysteresis": 0.5,
            }
            url = f"http://127.0.0.1:{port}/api/v1/gates/{source}-core"
            async with http.put(url, json=gate, headers=headers) as resp:
                if resp.status not in (200, 201):
                    raise SystemExit(f"bench: PUT {url}: {resp.status} {await resp.text()}")


def chiron(
    url: str, batches: list[list[dict[str, Any]]], args: argparse.Namespace, redis: bool
) -> dict[str, float]:
    token = api_key(url, "ingest", "read")
    admin = api_key(url, "admin")
    port = free_port()
    with chiron_server(url, port, redis, workers=args.workers, **AS_DEPLOYED) as proc:
        asyncio.run(put_gates(port, admin))
        asyncio.run(drive(port, token, batches[:4], 2, 1.0))  # warm up
        api, database = CpuMeter(tree(proc.pid)), CpuMeter(store_pids(url))
        result = asyncio.run(drive(port, token, batches, args.concurrency, args.seconds))
        per_sample(result, api=api.stop(tree(proc.pid)), database=database.stop(store_pids(url)))
        return result


def per_sample(result: dict[str, float], **cpu: float) -> None:
    """CPU microseconds per stored sample, per process group, into `result`."""
    for name, seconds in cpu.items():
        result[f"cpu_us_{name}"] = seconds / result["samples"] * 1e6


def store_pids(url: str) -> set[int]:
    """The PostgreSQL backends serving `url`'s database (none for SQLite: in-process)."""
    if url.startswith("sqlite"):
        return set()

    async def query() -> set[int]:
        conn = await asyncpg.connect(url.replace("+asyncpg", ""))
        try:
            rows = await conn.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
        finally:
            await conn.close()
        return {row["pid"] for row in rows}

    return asyncio.run(query())


# -- 4. the peer: InfluxDB 1.6, the same points as line protocol ---------------------------


def line_protocol(batch: list[dict[str, Any]]) -> bytes:
    lines = []
    for s in batch:
        ns = int(datetime.fromisoformat(s["ts"]).timestamp() * 1e9)
        lines.append(f"{s['metric']},source={s['source']},unit={s['unit']} value={s['value']} {ns}")
    return "\n".join(lines).encode()


def influx(
    batches: list[list[dict[str, Any]]], args: argparse.Namespace
) -> dict[str, float] | None:
    """The same batches at the same concurrency into InfluxDB; None (said loudly) when it
    cannot run here."""
    try:
        with influxd("bench") as (port, pid):
            bodies = [line_protocol(b) for b in batches]
            url = f"http://127.0.0.1:{port}/write?db=bench&precision=ns"
            headers = {"content-type": "text/plain"}
            asyncio.run(post_load(url, bodies[:4], headers, 204, 2, 1.0))  # warm up
            meter = CpuMeter(tree(pid))
            result = asyncio.run(
                post_load(url, bodies, headers, 204, args.concurrency, args.seconds)
            )
            per_sample(result, database=meter.stop(tree(pid)))
            return result
    except (FileNotFoundError, RuntimeError) as exc:
        print(
            f"!!! InfluxDB SKIPPED: cannot run influxd here ({exc!s:.300}); "
            "install Debian's influxdb to compare",
            flush=True,
        )
        return None


def ingest_bench(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    start = datetime.now(UTC) - timedelta(hours=1)
    batches = make_batches(200, start)
    with store(kind) as url:
        rows = rows_of(batches)
        limit = (
            asyncio.run(limit_postgres(url, rows, args.seconds))
            if kind == "postgres"
            else limit_sqlite(url, rows, args.seconds)
        )
        base = naive(url, batches, args)
        real = chiron(url, batches, args, redis=kind == "postgres")
    peer = influx(batches, args) if kind == "postgres" and args.influx else None
    return {"store": kind, "limit": limit, "naive": base, "chiron": real, "influx": peer}


# -- query benchmark ----------------------------------------------------------------------


def series_names(series: int) -> list[tuple[str, str]]:
    return [(f"dev-{i // len(METRICS)}", METRICS[i % len(METRICS)]) for i in range(series)]


async def load_rows(url: str, rows: int, series: int) -> timedelta:
    """COPY `rows` samples over 30 days into `series` series, then build the latest-value
    and rollup tables the way ingest keeps them. Returns the time between samples."""
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    end = datetime.now(UTC)
    start = end - timedelta(days=30)
    step = (end - start) / (rows / series)
    names = series_names(series)
    rng = random.Random(2)
    chunk = 200_000
    done = 0
    try:
        while done < rows:
            records = []
            for n in range(done, min(rows, done + chunk)):
                source, metric = names[n % series]
                ts = start + step * (n // series)
                records.append((source, metric, rng.uniform(0, 100), "u", ts, ts, None))
            await conn.copy_records_to_table(
                "telemetry_samples", records=records, columns=SAMPLE_COLUMNS
            )
            done += len(records)
            print(f"  loaded {done:,} / {rows:,}", flush=True)
        await fold(conn, None)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return step


async def catch_up(url: str, series: int, step: timedelta) -> int:
    """Samples from the end of the loaded data up to now, at the same cadence, folded in
    the same way: however long the load took, the summary's sparkline window (the last
    ten minutes) is as full as on a live system. Returns the samples added."""
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        last = await conn.fetchval("SELECT max(ts) FROM telemetry_samples")
        rng = random.Random(3)
        records = []
        ts = last + step
        now = datetime.now(UTC)
        while ts <= now:
            for source, metric in series_names(series):
                records.append((source, metric, rng.uniform(0, 100), "u", ts, ts, None))
            ts += step
        await conn.copy_records_to_table(
            "telemetry_samples", records=records, columns=SAMPLE_COLUMNS
        )
        await fold(conn, last)
    finally:
        await conn.close()
    return len(records)


async def fold(
    conn: asyncpg.Connection,
    after: datetime | None,
    before: datetime | None = None,
    *,
    older: bool = False,
) -> None:
    """Rollups (time-major, the order ingest creates buckets in) and latest values from the
    samples: all of them, those after `after`, or those in [after, before) (added to what is
    there). `older`: the rows are older than the latest values, which keep their value and
    count them."""
    if before is not None:
        where, args = "WHERE ts >= $1 AND ts < $2", (after, before)
    elif after is not None:
        where, args = "WHERE ts > $1", (after,)
    else:
        where, args = "", ()
    for res in (10, 60, 600, 3600):
        bucket = f"to_timestamp(floor(extract(epoch from ts) / {res}) * {res})"
        await conn.execute(
            f"""
            INSERT INTO sample_rollups AS r
                (source, metric, resolution_s, bucket_start, min, max, sum, count)
            SELECT source, metric, {res}, {bucket}, min(value), max(value), sum(value), count(*)
            FROM telemetry_samples {where} GROUP BY 1, 2, 3, 4 ORDER BY 4, 1, 2
            ON CONFLICT (source, metric, resolution_s, bucket_start) DO UPDATE SET
                min = least(r.min, excluded.min), max = greatest(r.max, excluded.max),
                sum = r.sum + excluded.sum, count = r.count + excluded.count""",
            *args,
        )
    newest = "" if older else "value = excluded.value, ts = excluded.ts, "
    await conn.execute(
        f"""
        INSERT INTO metric_latest AS m (source, metric, value, unit, ts, last_seen_at,
                                        cadence_s, sample_count, stale)
        SELECT DISTINCT ON (source, metric) source, metric, value, unit, ts, now(), 1.0,
               count(*) OVER (PARTITION BY source, metric), false
        FROM telemetry_samples {where} ORDER BY source, metric, ts DESC
        ON CONFLICT (source, metric) DO UPDATE SET {newest}
            last_seen_at = excluded.last_seen_at,
            sample_count = m.sample_count + excluded.sample_count""",
        *args,
    )


async def time_get(
    port: int, token: str, path: str, params: dict[str, str], n: int
) -> dict[str, float]:
    latencies = []
    async with aiohttp.ClientSession(headers={"authorization": f"Bearer {token}"}) as http:
        # Untimed first requests: a fresh server opens its pool's connections and prepares
        # its statements on them, and a dashboard polling a live server never pays that.
        for i in range(WARM_UP + n):
            started = time.perf_counter()
            async with http.get(f"http://127.0.0.1:{port}{path}", params=params) as resp:
                await resp.read()
                assert resp.status == 200, resp.status
            if i >= WARM_UP:
                latencies.append(time.perf_counter() - started)
    return {
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


async def time_series(
    port: int, token: str, end: datetime, span: timedelta, points: int, n: int
) -> dict[str, float]:
    params = {
        "source": "dev-0",
        "metric": METRICS[0],
        "from": (end - span).isoformat(),
        "to": end.isoformat(),
        "points": str(points),
    }
    return await time_get(port, token, "/api/v1/dashboard/series", params, n)


def query_bench(args: argparse.Namespace) -> dict[str, Any]:
    with store("postgres") as url:
        started = time.perf_counter()
        step = asyncio.run(load_rows(url, args.query_rows, 40))
        load_s = time.perf_counter() - started
        added = asyncio.run(catch_up(url, 40, step))
        print(f"  caught up to now: {added:,} samples", flush=True)
        token = api_key(url, "read")
        port = free_port()
        end = datetime.now(UTC)
        with chiron_server(url, port, redis=True, **AS_DEPLOYED):
            summary = asyncio.run(time_get(port, token, "/api/v1/dashboard/summary", {}, 200))
            series = asyncio.run(time_series(port, token, end, timedelta(days=31), 500, 200))
            raw_hour = asyncio.run(time_series(port, token, end, timedelta(hours=1), 2000, 100))
    return {
        "rows": args.query_rows,
        "load_s": load_s,
        "summary": summary,
        "series_30d": series,
        "series_1h_raw": raw_hour,
    }


def report(results: list[dict[str, Any]], query: dict[str, Any] | None) -> str:
    lines = [
        "| store | limit (rows/s) | naive (samples/s) | chiron (samples/s) | chiron p50 / p99 ms "
        "| chiron / limit | chiron / naive |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        c, n = r["chiron"], r["naive"]
        lines.append(
            f"| {r['store']} | {r['limit']:,.0f} | {n['rate']:,.0f} | {c['rate']:,.0f} | "
            f"{c['p50_ms']:.1f} / {c['p99_ms']:.1f} | {c['rate'] / r['limit']:.0%} | "
            f"{c['rate'] / n['rate']:.1f}x |"
        )
    lines += [
        "",
        "CPU per stored sample (µs; the API's process tree, the store's backends):",
        "",
        "| store | chiron API | chiron store | chiron total | InfluxDB | chiron / InfluxDB rate |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        c, peer = r["chiron"], r.get("influx")
        total = c["cpu_us_api"] + c["cpu_us_database"]
        if peer:
            versus = f"{peer['cpu_us_database']:.1f} ({peer['rate']:,.0f}/s)"
            ratio = f"{c['rate'] / peer['rate']:.0%}"
        else:
            versus = ratio = "not run"
        own = f"{c['cpu_us_database']:.1f}" if r["store"] == "postgres" else "(in the API)"
        lines.append(
            f"| {r['store']} | {c['cpu_us_api']:.1f} | {own} | {total:.1f} | {versus} | {ratio} |"
        )
    if query:
        lines += [
            "",
            f"Queries over {query['rows']:,} samples in PostgreSQL (loaded in "
            f"{query['load_s']:.0f} s):",
            "",
            "| query | p50 ms | p99 ms |",
            "|---|---|---|",
        ]
        for name in ("summary", "series_30d", "series_1h_raw"):
            q = query[name]
            lines.append(f"| {name} | {q['p50_ms']:.1f} | {q['p99_ms']:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--no-influx",
        dest="influx",
        action="store_false",
        help="skip the InfluxDB 1.6 comparison (PostgreSQL run only)",
    )
    parser.add_argument(
        "--query-rows",
        type=int,
        default=10_000_000,
        help="samples for the query benchmark (0 skips it)",
    )
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.store == "both" else [args.store]
    results = []
    for kind in kinds:
        print(f"==> ingest on {kind}", flush=True)
        result = ingest_bench(kind, args)
        print(json.dumps(result, indent=2), flush=True)
        results.append(result)
    query = None
    if args.query_rows and "postgres" in kinds:
        print(f"==> queries over {args.query_rows:,} samples", flush=True)
        query = query_bench(args)
        print(json.dumps(query, indent=2), flush=True)
    print()
    print(report(results, query))


if __name__ == "__main__":
    main()
