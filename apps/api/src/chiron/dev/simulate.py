"""`chiron simulate`: a device fleet pushing realistic samples (drift, noise, spikes,
dropouts) that move gates between go, hold and no-go every few minutes."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
from rich.console import Console
from rich.live import Live
from rich.table import Table

from chiron.dev.fleet import SeriesSim, fleet, make_series

RETRIES = 5
# The first minute continues the seeded day (which ends calm): no episodes, spikes or
# dropouts yet, so the first live samples sit on the seeded curves.
CALM_S = 60.0


@dataclass
class Stats:
    started: float = field(default_factory=time.monotonic)
    batches: int = 0
    samples: int = 0
    errors: int = 0
    retries: int = 0
    silent: set[str] = field(default_factory=set)
    transitions: list[str] = field(default_factory=list)
    last_error: str = ""

    def rate(self) -> float:
        return self.samples / max(time.monotonic() - self.started, 1e-6)

    def line(self) -> str:
        return (
            f"simulate: {self.samples} samples in {self.batches} batches ({self.rate():.0f}/s), "
            f"{self.retries} retries, {self.errors} errors"
        )


def _table(stats: Stats, url: str, sources: int) -> Table:
    table = Table(title=f"chiron simulate -> {url}", show_header=False, expand=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("elapsed", f"{time.monotonic() - stats.started:6.0f} s")
    table.add_row(
        "sources",
        f"{sources} ({len(stats.silent)} silent: {', '.join(sorted(stats.silent)) or '-'})",
    )
    table.add_row("batches", str(stats.batches))
    table.add_row("samples", f"{stats.samples} ({stats.rate():.0f}/s)")
    table.add_row("retries / errors", f"{stats.retries} / {stats.errors}")
    table.add_row("last error", stats.last_error or "-")
    for line in stats.transitions[-4:]:
        table.add_row("gate", line)
    return table


async def _push(client: httpx.AsyncClient, samples: list[dict[str, Any]], stats: Stats) -> None:
    """One batch, retried with the same Idempotency-Key so a retry is stored once."""
    key = uuid.uuid4().hex
    delay = 0.25
    for attempt in range(RETRIES):
        try:
            response = await client.post(
                "/api/v1/dashboard/samples",
                json={"samples": samples},
                headers={"Idempotency-Key": key},
            )
        except httpx.TransportError as exc:
            stats.last_error = type(exc).__name__
        else:
            if response.status_code == 202:
                stats.batches += 1
                stats.samples += len(samples)
                for t in response.json().get("gate_transitions", []):
                    stats.transitions.append(
                        f"{t['slug']}: {t['from_status'].upper()} -> {t['to_status'].upper()}"
                    )
                return
            stats.last_error = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                stats.errors += 1
                return
        if attempt + 1 < RETRIES:
            stats.retries += 1
            await asyncio.sleep(delay + random.uniform(0, delay))  # noqa: S311
            delay = min(delay * 2, 5.0)
    stats.errors += 1


class MqttSender:
    """The fleet over MQTT: each report is one QoS 1 message on `<prefix>/<source>`
    (payload `{"samples": [...]}`), as docs/protocols/mqtt.md describes."""

    def __init__(self, url: str, prefix: str | None = None) -> None:
        from chiron.telemetry.protocols.mqtt import BrokerAddress

        self.address = BrokerAddress.parse(url)
        # The API's own setting, so both ends agree on the topics.
        prefix = prefix or os.environ.get("CHIRON_MQTT_TOPIC_PREFIX") or "chiron"
        self.prefix = prefix.strip("/")
        self.client: Any = None

    async def __aenter__(self) -> MqttSender:
        from gmqtt import Client
        from gmqtt.mqtt.constants import MQTTv311

        self.client = Client(f"chiron-simulate-{uuid.uuid4().hex[:8]}")
        if self.address.username:
            self.client.set_auth_credentials(self.address.username, self.address.password)
        await self.client.connect(
            self.address.host, self.address.port, ssl=self.address.tls, version=MQTTv311
        )
        return self

    async def __aexit__(self, *_: object) -> None:
        if self.client is not None:
            await self.client.disconnect()

    async def push(self, samples: list[dict[str, Any]], stats: Stats) -> None:
        source = samples[0]["source"]
        body = {"samples": [{k: v for k, v in s.items() if k != "source"} for s in samples]}
        try:
            self.client.publish(f"{self.prefix}/{source}", orjson.dumps(body), qos=1)
        except Exception as exc:  # noqa: BLE001 - counted; the broker may be back next tick
            stats.errors += 1
            stats.last_error = type(exc).__name__
            return
        stats.batches += 1
        stats.samples += len(samples)


async def _device(
    client: httpx.AsyncClient | MqttSender,
    source: str,
    series: dict[str, SeriesSim],
    rate: float,
    deadline: float | None,
    stats: Stats,
    rng: random.Random,
) -> None:
    period = 1.0 / rate
    silent_until = 0.0
    # relay-2 is the flaky one: its silences are what turn the Telemetry link gate stale.
    dropout_rate = 1 / 240.0 if source == "relay-2" else 1 / 1500.0
    started = next_tick = time.monotonic()
    while deadline is None or time.monotonic() < deadline:
        now = time.time()
        calm = time.monotonic() - started < CALM_S
        if now < silent_until:
            stats.silent.add(source)
        else:
            stats.silent.discard(source)
            if not calm and rng.random() < dropout_rate * period:
                silent_until = now + rng.uniform(45, 100)
            else:
                ts = datetime.fromtimestamp(now, UTC).isoformat()
                samples = [
                    {
                        "source": source,
                        "metric": metric,
                        "value": round(sim.value(now, period, calm=calm), 4),
                        "unit": sim.model.unit,
                        "ts": ts,
                    }
                    for metric, sim in series.items()
                ]
                if isinstance(client, MqttSender):
                    await client.push(samples, stats)
                else:
                    await _push(client, samples, stats)
        next_tick += period
        await asyncio.sleep(max(0.0, next_tick - time.monotonic()))


async def run_fleet(
    url: str,
    token: str,
    sources: int,
    rate: float,
    duration: float | None,
    seed: int | None,
    mqtt: str | None = None,
) -> Stats:
    stats = Stats()
    all_series = make_series(seed if seed is not None else random.randrange(1 << 30), sources)  # noqa: S311
    deadline = time.monotonic() + duration if duration else None
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(seed)  # noqa: S311 - simulation, not secrets
    console = Console(stderr=True)
    sender: httpx.AsyncClient | MqttSender = (
        MqttSender(mqtt) if mqtt else httpx.AsyncClient(base_url=url, headers=headers, timeout=10.0)
    )
    if mqtt:
        url = mqtt
    async with sender as client:
        devices = [
            asyncio.create_task(
                _device(
                    client,
                    source,
                    {m.metric: all_series[(source, m.metric)] for m in models},
                    rate,
                    deadline,
                    stats,
                    random.Random(rng.random()),  # noqa: S311
                )
            )
            for source, models in fleet(sources)
        ]
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)

        # Polled, not gathered: a gather future left behind at Ctrl-C logs its cancellation
        # as "exception was never retrieved", a traceback in the log of a clean stop.
        def running() -> bool:
            return not stop.is_set() and not all(task.done() for task in devices)

        try:
            if console.is_terminal:
                with Live(
                    _table(stats, url, sources), console=console, refresh_per_second=4
                ) as live:
                    while running():
                        await asyncio.sleep(0.25)
                        live.update(_table(stats, url, sources))
            else:
                last = 0.0
                while running():
                    await asyncio.sleep(1.0)
                    if time.monotonic() - last >= 10:
                        last = time.monotonic()
                        print(stats.line(), file=sys.stderr, flush=True)
        finally:
            for task in devices:
                task.cancel()
            await asyncio.gather(*devices, return_exceptions=True)
    return stats


def simulate(
    url: str,
    token: str,
    sources: int,
    rate: float,
    duration: float | None,
    seed: int | None,
    mqtt: str | None = None,
) -> int:
    """Run the fleet until the duration is over or a signal stops it: the exit status."""
    stats = asyncio.run(run_fleet(url, token, sources, rate, duration, seed, mqtt))
    print(stats.line(), file=sys.stderr, flush=True)
    return 1 if stats.batches == 0 and stats.errors else 0
