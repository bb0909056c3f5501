"""Shared by the benchmarks: throwaway stores, server processes on free ports, API keys."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "apps" / "api"
BIN = API / ".venv" / "bin"
PG_ADMIN = os.environ.get("CHIRON_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CHIRON_BENCH_REDIS", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@contextmanager
def store(kind: str) -> Iterator[str]:
    """A migrated, empty database of its own: SQLite in a temp dir, or a fresh PG db."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            migrate(url)
            yield url
        return
    name = f"chiron_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_pg(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + "/" + name
    try:
        migrate(url)
        yield url
    finally:
        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _pg(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def env_for(url: str, redis: bool, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHIRON_", "OTEL_"))}
    env.update(
        CHIRON_ENV="test",
        CHIRON_DATABASE_URL=url,
        CHIRON_LOG_LEVEL="WARNING",
        CHIRON_SECRET_KEY="bench-secret-key-0123456789-abcdefghijklmnop",
        CHIRON_SEED_ON_START="false",
        CHIRON_STREAM_KEY=f"bench:{uuid.uuid4().hex}",
    )
    if redis:
        env["CHIRON_REDIS_URL"] = REDIS_URL
    env.update(extra)
    return env


def migrate(url: str) -> None:
    subprocess.run(
        [str(BIN / "chiron"), "db", "upgrade"],
        env=env_for(url, False),
        cwd=API,
        check=True,
        capture_output=True,
    )


def api_key(url: str, *scopes: str) -> str:
    args = [str(BIN / "chiron"), "clients", "create", "bench"]
    for scope in scopes:
        args += ["--scope", scope]
    out = subprocess.run(
        args, env=env_for(url, False), cwd=API, check=True, capture_output=True, text=True
    ).stdout
    return next(line.strip() for line in out.splitlines() if line.strip().startswith("chiron_"))


@contextmanager
def server(args: list[str], env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        args, env=env, cwd=API, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 90  # a loaded machine starts slowly
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code in (
                    200,
                    404,
                ):
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start in 90 s")
        yield proc
    finally:
        stop(proc)
        drop_stream(env)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and SIGKILL when it has not gone in 10 s."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def drop_stream(env: dict[str, str]) -> None:
    """Delete the server's Redis stream: a bench run streams tens of MB into a key of its own."""
    if not env.get("CHIRON_REDIS_URL"):
        return
    from redis import Redis

    with Redis.from_url(env["CHIRON_REDIS_URL"]) as client:
        client.delete(env["CHIRON_STREAM_KEY"])


def chiron_server(
    url: str, port: int, redis: bool, workers: int = 1, **extra: str
) -> Iterator[subprocess.Popen[bytes]]:
    args = [str(BIN / "chiron"), "serve", "--port", str(port), "--workers", str(workers)]
    return server(args, env_for(url, redis, **extra), port)  # type: ignore[return-value]


def python() -> str:
    return str(BIN / "python") if (BIN / "python").exists() else sys.executable
