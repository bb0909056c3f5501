"""A real server process, configured only through OTEL_* variables: its ingest trace reaches
a local receiver (HTTP span, SQL and XADD children, logs with the same trace id), and a
closed or hung collector changes neither the answers nor their latency.

Each scenario runs the same sequential ingest load against a fresh `uvicorn` process; the
latency ratios against the `OTEL_SDK_DISABLED=true` run are printed (run with `-s`).
"""

from __future__ import annotations

import logging
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from chiron.dev.receiver import Receiver, serve
from tests.conftest import TEST_SECRET
from tests.fixtures.stores import bus_kind, stream_key
from tests.observability.helpers import INGEST, batch
from tests.observability.outage import black_hole, closed_port

pytestmark = pytest.mark.slow
REQUESTS = 200


@dataclass
class Run:
    latencies: list[float]
    shutdown_s: float

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        return sorted(self.latencies)[int(len(self.latencies) * 0.99) - 1]


def _free_port() -> int:
    return closed_port()


@contextmanager
def _server(tmp: Path, env: dict[str, str], base: dict[str, str]) -> Iterator[tuple[str, Any]]:
    port = _free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "CHIRON_"))}
    log = (tmp / f"server-{port}.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "chiron.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "info",
        ],
        env={**clean, **base, **env},
        cwd=tmp,  # no stray .env
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # A guard against a server that never comes up, not a measurement: generous, since
        # the machine is shared.
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (tmp / f"server-{port}.log").read_text()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        yield url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def _load(url: str, headers: dict[str, str]) -> list[float]:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    latencies = []
    with httpx.Client(base_url=url, timeout=10) as http:
        for i in range(REQUESTS + 10):
            body = batch([float(i), float(i) + 0.5], source=f"load-{i % 5}")
            start = time.perf_counter()
            response = http.post(INGEST, json=body, headers=headers)
            elapsed = time.perf_counter() - start
            assert response.status_code == 202, response.text
            if i >= 10:  # warm-up
                latencies.append(elapsed)
    return latencies


def _run(tmp: Path, env: dict[str, str], base: dict[str, str], headers: dict[str, str]) -> Run:
    with _server(tmp, env, base) as (url, process):
        latencies = _load(url, headers)
        start = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(120)  # a hang guard, not a measurement
        return Run(latencies, time.monotonic() - start)


@contextmanager
def _receiver(tmp: Path) -> Iterator[Receiver]:
    out = (tmp / "receiver.log").open("w")
    receiver = serve("127.0.0.1", 0, out)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.shutdown()
        receiver.server_close()
        out.close()


@pytest.fixture
async def base_env(
    migrated: str, redis_url: str | None, auth_headers: dict[str, str]
) -> dict[str, str]:
    return {
        "CHIRON_ENV": "production",
        "CHIRON_DATABASE_URL": migrated,
        "CHIRON_REDIS_URL": redis_url or "",
        "CHIRON_STREAM_KEY": stream_key(),
        "CHIRON_SECRET_KEY": TEST_SECRET,
        "CHIRON_SEED_ON_START": "false",
        "CHIRON_LOG_LEVEL": "INFO",
        # Export continually during the short load, so failures happen while requests run.
        "OTEL_BSP_SCHEDULE_DELAY": "100",
        "OTEL_BLRP_SCHEDULE_DELAY": "100",
        "OTEL_METRIC_EXPORT_INTERVAL": "500",
    }


def _wait_for(receiver: Receiver, predicate: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with receiver.lock:
            if predicate(list(receiver.received)):
                return
        time.sleep(0.1)


async def test_traces_reach_the_collector_and_outages_cost_nothing(
    tmp_path: Path, base_env: dict[str, str], auth_headers: dict[str, str]
) -> None:
    runs: dict[str, Run] = {}
    runs["disabled"] = _run(tmp_path, {"OTEL_SDK_DISABLED": "true"}, base_env, auth_headers)

    with _receiver(tmp_path) as receiver:
        endpoint = {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.server_port}"}
        runs["receiver"] = _run(tmp_path, endpoint, base_env, auth_headers)
        _wait_for(receiver, lambda r: any(x["signal"] == "metric" for x in r), timeout=3)
        received = list(receiver.received)
    _check_received(received)

    runs["closed port"] = _run(
        tmp_path,
        {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{closed_port()}"},
        base_env,
        auth_headers,
    )
    with black_hole() as port:
        runs["black hole"] = _run(
            tmp_path,
            {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{port}"},
            base_env,
            auth_headers,
        )

    base = runs["disabled"]
    print(f"\ningest latency over {REQUESTS} sequential requests ({bus_kind()} bus):")
    for name, run in runs.items():
        print(
            f"  {name:12s} median {run.median * 1e3:6.2f} ms ({run.median / base.median:4.2f}x)"
            f"  p99 {run.p99 * 1e3:6.2f} ms  shutdown {run.shutdown_s:4.1f} s"
        )
    # Behaviour only: every request was accepted (`_load` asserts 202 each) and each server
    # stopped on SIGTERM (`_run` waits for it). The latencies are printed, not asserted: the
    # suite holds no timed assertion (issue 19), and on a shared machine they are noise.
    assert set(runs) == {"disabled", "receiver", "closed port", "black hole"}
    assert all(len(run.latencies) == REQUESTS for run in runs.values())


def _check_received(received: list[dict[str, Any]]) -> None:
    spans = [r for r in received if r["signal"] == "span"]
    ingests = [s for s in spans if s["kind"] == "SERVER" and s["name"] == f"POST {INGEST}"]
    assert ingests, {s["name"] for s in spans}
    assert {s["service"] for s in ingests} == {"chiron-api"}
    root = ingests[-1]
    children = [s for s in spans if s["trace_id"] == root["trace_id"] and s is not root]
    systems = {
        s["attributes"].get("db.system.name") or s["attributes"].get("db.system") for s in children
    }
    assert systems & {"sqlite", "postgresql"}, systems
    if bus_kind() == "redis":
        assert any(s["name"] == "XADD" for s in children)
    logs = [r for r in received if r["signal"] == "log" and r["trace_id"]]
    assert {log["trace_id"] for log in logs} & {s["trace_id"] for s in ingests}, logs[:3]
    assert any(r["signal"] == "metric" and r["name"] == "chiron.samples.ingested" for r in received)
