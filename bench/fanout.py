"""Fan-out benchmark: N SSE clients on one API process, one publisher through the real ingest
endpoint at a fixed rate; publish->receive latency, losses, duplicates and server CPU, for
the Redis bus and the in-process bus.

    apps/api/.venv/bin/python bench/fanout.py [--clients 100,1000] [--duration 15]

The publish time is the event id itself (`<ms>-<seq>` is stamped by the bus when the message
is appended), so latency needs no payload parsing. Clients are raw asyncio protocols (a few
microseconds per chunk) so that 1,000 of them fit next to the server on a 2-core machine.
Loopback figures share the cores with the server, PostgreSQL and Redis: read the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import httpx
from _stack import drop_stream, free_port

ROOT = Path(__file__).resolve().parents[1]
CHIRON = str(Path(sys.executable).parent / "chiron")
STREAM = "/api/v1/dashboard/stream"
INGEST = "/api/v1/dashboard/samples"
ID_RE = re.compile(rb"\nid: (\d+)-(\d+)\n")
SECRET = "bench-secret-key-that-is-long-enough-0123456789"
CLK_TCK = os.sysconf("SC_CLK_TCK")
WARMUP_S = 1.0
VERBOSE: dict[str, bool] = {}


@dataclass
class Client(asyncio.Protocol):
    """One SSE connection. While the run lasts it only stamps and keeps each chunk (about a
    microsecond); frames are parsed afterwards, so client work does not pile up as latency."""

    request: bytes
    ready: asyncio.Future[None]
    closed: asyncio.Future[None]
    chunks: list[tuple[float, bytes]] = field(default_factory=list)
    seen: list[tuple[bytes, float]] = field(default_factory=list)
    resyncs: int = 0
    transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.chunks.append((time.time(), data))
        if not self.ready.done() and b": connected" in data:
            self.ready.set_result(None)

    def parse(self) -> None:
        """(id, time of the chunk that completed the frame) for every frame received."""
        tail = b""
        for received, data in self.chunks:
            buffer = tail + data
            cut = buffer.rfind(b"\n\n")
            if cut < 0:
                tail = buffer
                continue
            complete, tail = buffer[: cut + 2], buffer[cut + 2 :]
            for match in ID_RE.finditer(b"\n" + complete):
                self.seen.append((match.group(1) + b"-" + match.group(2), received))
            self.resyncs += complete.count(b"event: resync")
        self.chunks.clear()

    def last_id_seen(self) -> bytes | None:
        for _, data in reversed(self.chunks):
            found = list(ID_RE.finditer(b"\n" + data))
            if found:
                return found[-1].group(1) + b"-" + found[-1].group(2)
        return None

    @property
    def head(self) -> bytes:
        return b"".join(d for _, d in self.chunks[:2])[:300]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)
        if not self.ready.done():
            self.ready.set_exception(ConnectionError("closed before the stream opened"))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Result:
    bus: str
    clients: int
    published: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    lost: int
    duplicates: int
    resyncs: int
    cpu_pct: float
    client_cpu_pct: float
    load: float
    connect_s: float


class Server:
    def __init__(self, bus: str, workdir: Path) -> None:
        self.bus = bus
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("CHIRON_", "OTEL_"))}
        self.env.update(
            CHIRON_ENV="production",  # as deployed: JSON logs, no dev issuer
            CHIRON_DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'bench.db'}",
            CHIRON_STREAM_KEY=f"chiron-bench:{uuid.uuid4().hex}",
            CHIRON_SECRET_KEY=SECRET,
            CHIRON_SEED_ON_START="false",
            CHIRON_LOG_FORMAT="json",
            CHIRON_LOG_LEVEL="WARNING",
            CHIRON_STREAM_QUEUE_SIZE="1000",
        )
        if bus == "redis":
            self.env["CHIRON_REDIS_URL"] = os.environ.get(
                "CHIRON_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"
            )
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def token(self) -> str:
        out = subprocess.run(
            [CHIRON, "db", "upgrade"], env=self.env, cwd=self.workdir, capture_output=True
        )
        out.check_returncode()
        created = subprocess.run(
            [CHIRON, "clients", "create", "bench", "--scope", "ingest", "--scope", "read"],
            env=self.env,
            cwd=self.workdir,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        match = re.search(r"^(chiron_\S+)$", created, re.MULTILINE)
        if not match:
            raise RuntimeError(created)
        return match.group(1)

    async def start(self) -> None:
        with (self.workdir / "server.log").open("wb") as log:
            self.process = subprocess.Popen(  # noqa: ASYNC220 - polled below
                [CHIRON, "serve", "--port", str(self.port)],
                env=self.env,
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        async with httpx.AsyncClient(base_url=self.url) as http:
            for _ in range(600):
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get("/readyz")).status_code == 200:
                        return
                await asyncio.sleep(0.1)
        raise RuntimeError((self.workdir / "server.log").read_text())

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if VERBOSE.get("verbose"):
            print((self.workdir / "server.log").read_text()[-2000:], file=sys.stderr)


async def open_clients(server: Server, token: str, count: int) -> list[Client]:
    loop = asyncio.get_running_loop()
    request = (
        f"GET {STREAM} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()
    clients: list[Client] = []
    for start in range(0, count, 100):  # in waves: keep the accept backlog comfortable
        wave = []
        for _ in range(min(100, count - start)):
            client = Client(request, loop.create_future(), loop.create_future())
            await loop.create_connection(lambda c=client: c, "127.0.0.1", server.port)  # type: ignore[misc]
            wave.append(client)
        try:
            await asyncio.wait_for(asyncio.gather(*(c.ready for c in wave)), 60)
        except TimeoutError:
            stuck = [c.head for c in wave if not c.ready.done()][:1]
            raise RuntimeError(f"a stream did not open: {stuck!r}") from None
        clients.extend(wave)
    return clients


async def publish_direct(server: Server, rate: float, duration: float) -> list[bytes]:
    from redis.asyncio import Redis

    client = Redis.from_url(server.env["CHIRON_REDIS_URL"])
    ids: list[bytes] = []
    start = time.monotonic()
    n = 0
    while (due := start + n * (1 / rate)) < start + duration:
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        new_id = await client.xadd(server.env["CHIRON_STREAM_KEY"], {b"e": b"samples", b"d": b"{}"})
        ids.append(new_id if isinstance(new_id, bytes) else new_id.encode())
        n += 1
    await client.aclose()
    return ids


async def publish(server: Server, token: str, rate: float, duration: float) -> list[bytes]:
    if VERBOSE.get("direct") and server.bus == "redis":
        return await publish_direct(server, rate, duration)
    ids: list[bytes] = []
    headers = {"Authorization": f"Bearer {token}"}
    interval = 1 / rate
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=10) as http:
        start = time.monotonic()
        n = 0
        while (due := start + n * interval) < start + duration:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            body = {"samples": [{"source": "bench-1", "metric": "bench.seq", "value": n}]}
            response = await http.post(INGEST, json=body)
            response.raise_for_status()
            event_id = response.json()["last_event_id"]
            if event_id is None:
                raise RuntimeError("ingest did not publish (bus down?)")
            ids.append(event_id.encode())
            n += 1
    return ids


async def run_one(
    server: Server, token: str, clients_n: int, rate: float, duration: float
) -> Result:
    assert server.process is not None
    started = time.monotonic()
    clients = await open_clients(server, token, clients_n)
    connect_s = time.monotonic() - started
    await asyncio.sleep(1.0)
    await publish(server, token, rate, WARMUP_S)  # first requests warm caches: not measured
    cpu0, wall0 = cpu_seconds(server.process.pid), time.monotonic()
    own0 = cpu_seconds(os.getpid())
    published = await publish(server, token, rate, duration)
    cpu1, wall1 = cpu_seconds(server.process.pid), time.monotonic()
    own1 = cpu_seconds(os.getpid())
    load = os.getloadavg()[0]
    last = published[-1]
    for _ in range(100):  # up to 10 s for the last event to reach everyone
        if all(c.last_id_seen() == last for c in clients):
            break
        await asyncio.sleep(0.1)
    for client in clients:
        if client.transport is not None:
            client.transport.close()
    await asyncio.gather(*(c.closed for c in clients))
    for client in clients:
        client.parse()

    wanted = set(published)
    latencies: list[float] = []
    lost = duplicates = resyncs = 0
    for client in clients:
        ids = [i for i, _ in client.seen if i in wanted]
        duplicates += len(ids) - len(set(ids))
        lost += len(wanted - set(ids))
        resyncs += client.resyncs
        for event_id, received in client.seen:
            if event_id in wanted:
                latencies.append(received * 1000 - int(event_id.split(b"-")[0]))
    if VERBOSE.get("verbose"):
        buckets: dict[int, list[float]] = {}
        for client in clients:
            for event_id, received in client.seen:
                if event_id in wanted:
                    ms = int(event_id.split(b"-")[0])
                    buckets.setdefault(ms // 1000, []).append(received * 1000 - ms)
        for second in sorted(buckets):
            p99 = percentile(buckets[second], 0.99)
            print(f"  second {second % 1000:3d}: p99 {p99:6.1f} ms", file=sys.stderr)
    return Result(
        bus=server.bus,
        clients=clients_n,
        published=len(published),
        p50_ms=percentile(latencies, 0.50),
        p99_ms=percentile(latencies, 0.99),
        max_ms=max(latencies) if latencies else float("nan"),
        lost=lost,
        duplicates=duplicates,
        resyncs=resyncs,
        cpu_pct=100 * (cpu1 - cpu0) / (wall1 - wall0),
        client_cpu_pct=100 * (own1 - own0) / (wall1 - wall0),
        load=load,
        connect_s=connect_s,
    )


async def bench_bus(bus: str, sizes: list[int], rate: float, duration: float) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory(prefix=f"chiron-fanout-{bus}-") as tmp:
        server = Server(bus, Path(tmp))
        token = await asyncio.to_thread(server.token)
        await server.start()
        try:
            for size in sizes:
                result = await run_one(server, token, size, rate, duration)
                print(_row(result), flush=True)
                results.append(result)
                gc.collect()
        finally:
            server.stop()
            drop_stream(server.env)
    return results


HEADER = (
    "| bus | clients | events | p50 ms | p99 ms | max ms | lost | dup | resync | API CPU % "
    "| clients CPU % | load |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def _row(r: Result) -> str:
    return (
        f"| {r.bus} | {r.clients} | {r.published} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
        f"{r.max_ms:.1f} | {r.lost} | {r.duplicates} | {r.resyncs} | {r.cpu_pct:.0f} | "
        f"{r.client_cpu_pct:.0f} | {r.load:.1f} |"
    )


def _ratios(results: list[Result]) -> list[str]:
    by = {(r.bus, r.clients): r for r in results}
    lines = []
    sizes = sorted({r.clients for r in results})
    for size in sizes:
        redis, memory = by.get(("redis", size)), by.get(("in-process", size))
        if redis and memory:
            lines.append(
                f"- {size} clients, Redis / in-process: p99 x{redis.p99_ms / memory.p99_ms:.2f}, "
                f"CPU x{redis.cpu_pct / max(memory.cpu_pct, 0.1):.2f}"
            )
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        for bus in ("redis", "in-process"):
            a, b = by.get((bus, small)), by.get((bus, large))
            if a and b:
                cpu = b.cpu_pct / max(a.cpu_pct, 0.1)
                p99 = b.p99_ms / max(a.p99_ms, 0.1)
                lines.append(f"- {bus}, {large} / {small} clients: CPU x{cpu:.2f}, p99 x{p99:.2f}")
    return lines


def write_report(path: Path, results: list[Result], args: argparse.Namespace) -> None:
    target = max(args.sizes)
    verdict = [
        f"- target ({target} clients, one process: p99 <= 50 ms, 0 lost, 0 dup): "
        + ("met" if r.p99_ms <= 50 and r.lost == 0 and r.duplicates == 0 else "MISSED")
        + f" on {r.bus}"
        for r in results
        if r.clients == target
    ]
    section = "\n".join(
        [
            "## Fan-out",
            "",
            f"`make bench` -> `bench/fanout.py`, {time.strftime('%Y-%m-%d')}, "
            f"{os.cpu_count()} cores, "
            f"loopback; one `chiron serve` process (SQLite store), a publisher posting one sample "
            f"per request to `POST {INGEST}` at {args.rate:g}/s for {args.duration:g} s, N raw "
            "asyncio SSE clients in one client process. Latency = client receive time - the "
            "ms stamped in the event id when the bus appended it. CPU = the API process "
            "(utime+stime from /proc) over the publishing window.",
            "",
            HEADER,
            *(_row(r) for r in results),
            "",
            *_ratios(results),
            *verdict,
            "",
            "Notes:",
            "- `load` is the 1-minute load average at the end of the window: on 2 cores the",
            "  server, the clients, Redis and anything else running share the CPU, so absolute",
            "  figures move from run to run; compare rows of one run.",
            "- Per delivery the hub + SSE loop cost ~4 us of Python (measured with a no-op `send`;",
            "  ~6 us before the subscriber used one bare future per wait); the rest is the ASGI",
            "  send chain, uvicorn and the socket write.",
            "- With 1,000 connections, CPython's default GC thresholds ran a full collection every",
            "  ~5 s that stalled the event loop ~200 ms (seen as `max ms`). `Hub(tune_gc=True)`",
            "  freezes the startup heap and raises the thresholds; in a measurement with it, max",
            "  latency stayed under 60 ms over 15 s. It is process-wide: meant for server",
            "  processes, not for test runs.",
            "",
        ]
    )
    text = path.read_text() if path.exists() else "# Performance\n"
    pattern = re.compile(r"^## Fan-out\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="100,1000", help="comma-separated client counts")
    parser.add_argument("--rate", type=float, default=50.0, help="events per second")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of publishing")
    parser.add_argument("--buses", default="redis,in-process", help="redis, in-process")
    parser.add_argument("--report", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument("--no-report", action="store_true", help="print only")
    parser.add_argument("--verbose", action="store_true", help="p99 per second, server log")
    parser.add_argument(
        "--direct",
        action="store_true",
        help="Redis bus: XADD from the bench instead of ingest (fan-out cost alone)",
    )
    args = parser.parse_args()
    VERBOSE.update(verbose=args.verbose, direct=args.direct)
    args.sizes = [int(n) for n in args.clients.split(",")]

    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())

    print(HEADER, flush=True)
    results: list[Result] = []
    # The clients keep every (id, time) pair: a full collection over that growing heap would
    # stall them and be charged to the server as latency. Collect between runs instead.
    gc.disable()
    for bus in args.buses.split(","):
        results += asyncio.run(bench_bus(bus.strip(), args.sizes, args.rate, args.duration))
        gc.collect()
    print()
    for line in _ratios(results):
        print(line)
    if not args.no_report:
        write_report(Path(args.report), results, args)
        print(f"\nwrote the Fan-out section of {args.report}")
    print(json.dumps([r.__dict__ for r in results]))


if __name__ == "__main__":
    main()
