"""A Mosquitto of the test's own on a free port (the shared one on 1883 is never touched),
and replicas of the API subscribed to it."""

from __future__ import annotations

import asyncio
import getpass
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI

from chiron.app import create_app
from chiron.config import Settings
from chiron.telemetry.protocols.mqtt import MqttIngest

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def run_broker(
    tmp_path: Path, conf_lines: str = "allow_anonymous true\n", port: int | None = None
) -> Iterator[int]:
    """A Mosquitto on `port` (default: a free one) with these config lines; yields the port."""
    port = port or free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\n"
        "persistence false\n"
        "max_queued_messages 100000\n"
        "log_dest stderr\n"
        "log_type error\n"
        # Started as root, Mosquitto would switch to its own user, who cannot read the
        # test's password and ACL files: stay who we are.
        f"user {getpass.getuser()}\n" + conf_lines
    )
    log = tmp_path / "mosquitto.log"
    with log.open("wb") as err:
        proc = subprocess.Popen([MOSQUITTO, "-c", str(conf)], stderr=err)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"mosquitto did not start: {log.read_text()}") from None
            time.sleep(0.05)
    try:
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[str]:
    """mqtt://127.0.0.1:<port> of a fresh Mosquitto (in-memory: it lives for one test)."""
    with run_broker(tmp_path) as port:
        yield f"mqtt://127.0.0.1:{port}"


Replica = Callable[..., AbstractAsyncContextManager[MqttIngest]]


@pytest.fixture
def replica(settings: Settings, broker: str, app: FastAPI) -> Replica:
    """`async with replica("chiron-a") as mqtt:` an API process subscribed to the broker,
    on the test's store (the `app` fixture has cleaned it and serves HTTP reads)."""

    @asynccontextmanager
    async def run(
        client_id: str = "chiron-test-1", **overrides: object
    ) -> AsyncIterator[MqttIngest]:
        configured = settings.model_copy(
            update={"mqtt_url": broker, "mqtt_client_id": client_id, **overrides}
        )
        application = create_app(configured)
        async with application.router.lifespan_context(application):
            mqtt: MqttIngest = application.state.chiron.extras["mqtt"]
            assert await mqtt.wait_subscribed(10), "the replica did not subscribe"
            yield mqtt

    return run


async def eventually(check: Callable[[], object], within_s: float = 30.0) -> None:
    """Wait until `check()` (sync or async) is truthy; a deadline, not a timing assertion."""
    deadline = time.monotonic() + within_s
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached before the deadline")
        await asyncio.sleep(0.05)
