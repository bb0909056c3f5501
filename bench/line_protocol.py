"""Line protocol against JSON: the same samples, through the same pipeline, in one run.

    apps/api/.venv/bin/python bench/line_protocol.py [--store sqlite|postgres] [--seconds 6]

1. parse: in-process, the front door's own work for one 500-sample batch: the JSON door's
   `SampleBatch.model_validate_json` against the line-protocol door's parse + validation
   (`line.write_batch`), one field per line (the worst case) and five fields per line (how
   Telegraf writes: one line per measurement, a field per value).
2. http: `chiron serve`, JSON to POST /api/v1/dashboard/samples and line protocol to
   POST /api/v2/write, the same 500-sample batches, alternated in rounds so both see the
   same store and machine state. Samples/s of each, and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from _stack import api_key, chiron_server, free_port, percentile, store

from chiron.telemetry.protocols import line
from chiron.telemetry.schemas import SampleBatch

BATCH = 500
SOURCES = [f"dev-{i}" for i in range(8)]
MEASUREMENT = "env"
FIELDS = ["temp", "pressure", "humidity", "voltage", "current"]


def batches(count: int, start: datetime) -> list[list[dict[str, Any]]]:
    """Samples in groups of five (one source, one time, five fields): how an agent reports."""
    out = []
    tick = 0
    for _ in range(count):
        batch = []
        while len(batch) < BATCH:
            tick += 1
            ts = start + timedelta(milliseconds=tick)
            source = SOURCES[tick % len(SOURCES)]
            for i, field in enumerate(FIELDS):
                batch.append(
                    {
                        "source": source,
                        "metric": f"{MEASUREMENT}.{field}",
                        "value": round((tick * 7 + i * 13) % 1000 / 10, 3),
                        "ts": ts,
                    }
                )
        out.append(batch)
    return out


def as_json(batch: list[dict[str, Any]]) -> bytes:
    samples = [{**s, "ts": s["ts"].isoformat()} for s in batch]
    return json.dumps({"samples": samples}).encode()


def _ns(ts: datetime) -> int:
    return int(ts.timestamp()) * 1_000_000_000 + ts.microsecond * 1_000


def as_lines(batch: list[dict[str, Any]], *, grouped: bool) -> bytes:
    if not grouped:
        return "\n".join(
            f"{MEASUREMENT},host={s['source']} {s['metric'].split('.', 1)[1]}={s['value']!r} "
            f"{_ns(s['ts'])}"
            for s in batch
        ).encode()
    lines = []
    for i in range(0, len(batch), len(FIELDS)):
        group = batch[i : i + len(FIELDS)]
        fields = ",".join(f"{s['metric'].split('.', 1)[1]}={s['value']!r}" for s in group)
        lines.append(f"{MEASUREMENT},host={group[0]['source']} {fields} {_ns(group[0]['ts'])}")
    return "\n".join(lines).encode()


def parse_bench(batch: list[dict[str, Any]], seconds: float) -> dict[str, float]:
    bodies = {
        "json": as_json(batch),
        "lp_1_field": as_lines(batch, grouped=False),
        "lp_5_fields": as_lines(batch, grouped=True),
    }
    doors = {
        "json": lambda body: SampleBatch.model_validate_json(body).samples,
        "lp_1_field": lambda body: line.write_batch(body, precision="ns", source_tag="host"),
        "lp_5_fields": lambda body: line.write_batch(body, precision="ns", source_tag="host"),
    }
    rates = {}
    for name, door in doors.items():
        body = bodies[name]
        assert len(door(body)) == BATCH
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            door(body)
            done += 1
        rates[name] = done * BATCH / (time.perf_counter() - started)
    return rates


async def drive(
    port: int, token: str, bodies: list[bytes], path: str, content_type: str, seconds: float
) -> tuple[int, float, list[float]]:
    headers = {"content-type": content_type, "authorization": f"Bearer {token}"}
    latencies: list[float] = []
    sent = 0
    deadline = time.perf_counter() + seconds
    url = f"http://127.0.0.1:{port}{path}"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

        async def worker(offset: int) -> None:
            nonlocal sent
            i = offset
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with http.post(url, data=bodies[i % len(bodies)], headers=headers) as resp:
                    body = await resp.read()
                    if resp.status not in (202, 204):
                        raise SystemExit(f"bench: {path} answered {resp.status}: {body[:300]!r}")
                latencies.append(time.perf_counter() - started)
                sent += BATCH
                i += 4

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(4)))
        elapsed = time.perf_counter() - started
    return sent, elapsed, latencies


def http_bench(kind: str, seconds: float, rounds: int) -> dict[str, Any]:
    data = batches(400, datetime.now(UTC) - timedelta(hours=2))
    doors = {
        "json": ("/api/v1/dashboard/samples", "application/json", [as_json(b) for b in data]),
        "lp_5_fields": (
            "/api/v2/write",
            "text/plain; charset=utf-8",
            [as_lines(b, grouped=True) for b in data],
        ),
    }
    totals = {name: [0, 0.0, []] for name in doors}
    with store(kind) as url:
        token = api_key(url, "ingest")
        port = free_port()
        with chiron_server(url, port, kind == "postgres", CHIRON_ENV="production"):
            for path, content_type, bodies in doors.values():  # warm up
                asyncio.run(drive(port, token, bodies[:4], path, content_type, 0.5))
            for _ in range(rounds):
                for name, (path, content_type, bodies) in doors.items():
                    sent, elapsed, lat = asyncio.run(
                        drive(port, token, bodies, path, content_type, seconds / rounds)
                    )
                    totals[name][0] += sent
                    totals[name][1] += elapsed
                    totals[name][2].extend(lat)
    return {
        name: {
            "rate": sent / elapsed,
            "p50_ms": percentile(lat, 0.5) * 1000,
            "p99_ms": percentile(lat, 0.99) * 1000,
        }
        for name, (sent, elapsed, lat) in totals.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sample_batch = batches(1, datetime.now(UTC) - timedelta(minutes=5))[0]
    parse = parse_bench(sample_batch, min(args.seconds, 2.0))
    print(json.dumps({"parse_samples_per_s": parse}, indent=2), flush=True)
    http = http_bench(args.store, args.seconds, args.rounds)
    print(json.dumps({"store": args.store, "http": http}, indent=2), flush=True)
    print()
    print("| door | parse (samples/s) | HTTP on " + args.store + " (samples/s) | p50 / p99 ms |")
    print("|---|---|---|---|")
    print(
        f"| JSON | {parse['json']:,.0f} | {http['json']['rate']:,.0f} | "
        f"{http['json']['p50_ms']:.1f} / {http['json']['p99_ms']:.1f} |"
    )
    print(f"| line protocol, 1 field a line | {parse['lp_1_field']:,.0f} | | |")
    lp = http["lp_5_fields"]
    print(
        f"| line protocol, 5 fields a line | {parse['lp_5_fields']:,.0f} | {lp['rate']:,.0f} | "
        f"{lp['p50_ms']:.1f} / {lp['p99_ms']:.1f} |"
    )
    print(f"\nline protocol / JSON over HTTP: {lp['rate'] / http['json']['rate']:.2f}")


if __name__ == "__main__":
    main()
