"""MQTT front door benchmark: messages/s from a Mosquitto of its own into the store.

    apps/api/.venv/bin/python bench/mqtt.py [--store sqlite|postgres|both] [--messages 20000]

1. queued: the API is down while N QoS 1 messages are published (one number each on
   `chiron/<source>/<metric>`, 20 sources x 5 metrics); the API starts and drains its
   persistent session. Reported: messages/s from start to the last commit, and how many
   units of work that took (waiting messages are committed together).
2. live: the API is up and a publisher sends N messages as fast as the broker takes them;
   messages/s from the first publish to the last commit.
Loopback on a shared machine: compare the two stores and the two modes, not absolutes.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import paho.mqtt.client as paho
from _stack import API, free_port, store

sys.path.insert(0, str(API / "src"))

from chiron.app import create_app
from chiron.config import Settings


def publish(port: int, n: int) -> None:
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2, client_id="bench-pub", protocol=paho.MQTTv5
    )
    client.max_inflight_messages_set(100)
    client.connect("127.0.0.1", port)
    client.loop_start()
    infos = [client.publish(f"chiron/dev-{i % 20}/m{i % 5}", str(i), qos=1) for i in range(n)]
    for info in infos:
        info.wait_for_publish(120)
    client.disconnect()
    client.loop_stop()


async def run(kind: str, url: str, n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        conf = Path(tmp) / "mosquitto.conf"
        conf.write_text(
            f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
            "max_queued_messages 1000000\nmax_inflight_messages 100\n"
        )
        broker = await asyncio.to_thread(
            subprocess.Popen, ["mosquitto", "-c", str(conf)], stderr=subprocess.DEVNULL
        )
        await asyncio.sleep(0.3)
        try:
            settings = Settings(
                env="test",
                database_url=url,
                secret_key="bench-secret-key-0123456789-abcdefghijklmnop",
                seed_on_start=False,
                stale_sweep_s=0,
                log_level="WARNING",
                mqtt_url=f"mqtt://127.0.0.1:{port}",
                mqtt_client_id="bench",
                _env_file=None,  # type: ignore[call-arg]
            )
            for mode in ("queued", "live"):
                app = create_app(settings)
                if mode == "queued":
                    async with app.router.lifespan_context(app):
                        await app.state.chiron.extras["mqtt"].wait_subscribed(10)
                    await asyncio.to_thread(publish, port, n)
                    app = create_app(settings)
                async with app.router.lifespan_context(app):
                    mqtt = app.state.chiron.extras["mqtt"]
                    await mqtt.wait_subscribed(10)
                    started = time.perf_counter()
                    pub = (
                        asyncio.create_task(asyncio.to_thread(publish, port, n))
                        if mode == "live"
                        else None
                    )
                    while mqtt.stats.stored < n:  # noqa: ASYNC110 - polling the subscriber's count
                        await asyncio.sleep(0.01)
                    elapsed = time.perf_counter() - started
                    if pub is not None:
                        await pub
                    print(
                        f"{kind:8} {mode:6} {n} messages in {elapsed:5.2f} s = "
                        f"{n / elapsed:8.0f} msg/s, "
                        f"{mqtt.stats.batches} units of work, {mqtt.stats.rejected} rejected",
                        flush=True,
                    )
        finally:
            broker.terminate()
            broker.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--messages", type=int, default=20_000)
    args = parser.parse_args()
    for kind in ["sqlite", "postgres"] if args.store == "both" else [args.store]:
        with store(kind) as url:  # outside the loop: it runs its own for PostgreSQL
            asyncio.run(run(kind, url, args.messages))


if __name__ == "__main__":
    main()
