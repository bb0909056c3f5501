"""Notification test helpers: a local webhook receiver, a real Alertmanager, waiting."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from aiohttp import web
from sqlalchemy import select

from chiron.config import Settings
from chiron.db import Database
from chiron.models import NotificationOutbox

T = TypeVar("T")
ALERTMANAGER_BIN = "/usr/bin/prometheus-alertmanager"


def fast(settings: Settings, **more: Any) -> Settings:
    """Test pacing: short deadlines, millisecond backoff, a quick poll."""
    values: dict[str, Any] = {
        "notify_timeout_s": 1.0,
        "notify_backoff_s": 0.02,
        "notify_backoff_max_s": 0.1,
        "notify_poll_s": 0.05,
        **more,
    }
    return settings.model_copy(update=values)


async def eventually(check: Callable[[], Awaitable[T | None]], what: str, limit_s: float = 20) -> T:
    """Poll `check` until it returns something truthy; fail after a generous limit (a hang
    guard, not a timing assertion)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while True:
        value = await check()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"never happened: {what}")
        await asyncio.sleep(0.05)


async def outbox(db: Database) -> list[NotificationOutbox]:
    async with db.readers() as session:
        rows = await session.scalars(select(NotificationOutbox).order_by(NotificationOutbox.id))
        return list(rows.all())


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    body: bytes


Behaviour = Callable[[Hit], Awaitable[int]]


@dataclass
class Receiver:
    """A webhook receiver on a free loopback port. Each path answers by its behaviour
    (default 200); every request is recorded, answered or not."""

    hits: list[Hit] = field(default_factory=list)
    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    base: str = ""

    def url(self, path: str = "/hook") -> str:
        return f"{self.base}{path}"

    def at(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    async def _handle(self, request: web.Request) -> web.Response:
        hit = Hit(request.path, dict(request.headers), await request.read())
        self.hits.append(hit)
        behaviour = self.behaviours.get(request.path)
        status = 200 if behaviour is None else await behaviour(hit)
        return web.Response(status=status, text="ok" if status < 300 else "nope")


@contextlib.asynccontextmanager
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/{tail:.*}", rec._handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.base = f"http://127.0.0.1:{port}"
    try:
        yield rec
    finally:
        await runner.cleanup()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alertmanager_binary() -> str | None:
    found = shutil.which("prometheus-alertmanager")
    if found is None and Path(ALERTMANAGER_BIN).exists():
        found = ALERTMANAGER_BIN
    return found


def _start_alertmanager(binary: str, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    config = tmp / "alertmanager.yml"
    config.write_text(
        "route:\n  receiver: blackhole\n  group_wait: 1s\nreceivers:\n  - name: blackhole\n"
    )
    (tmp / "am-data").mkdir(exist_ok=True)
    port = free_port()
    with (tmp / "alertmanager.log").open("wb") as log:
        proc = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.path={tmp / 'am-data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",  # no clustering: no gossip port, no peers
                "--log.level=warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    return proc, f"http://127.0.0.1:{port}"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.asynccontextmanager
async def alertmanager(tmp: Path) -> AsyncIterator[str]:
    """Debian's prometheus-alertmanager on a free port, clustering off, its own storage."""
    binary = _alertmanager_binary()
    if binary is None:
        pytest.skip(
            "!!! prometheus-alertmanager is NOT INSTALLED: the Alertmanager tests did not run. "
            "Install it with scripts/ensure-alertmanager.sh (apt-get install "
            "prometheus-alertmanager) !!!"
        )
    proc, url = await asyncio.to_thread(_start_alertmanager, binary, tmp)
    try:
        async with httpx.AsyncClient() as http:

            async def ready() -> bool:
                if proc.poll() is not None:
                    log = await asyncio.to_thread((tmp / "alertmanager.log").read_text)
                    raise AssertionError(f"Alertmanager exited: {log}")
                try:
                    return (await http.get(f"{url}/-/ready")).status_code == 200
                except httpx.HTTPError:
                    return False

            await eventually(ready, "Alertmanager ready", limit_s=30)
        yield url
    finally:
        await asyncio.to_thread(_stop, proc)
