"""Stream fixtures: settings tuned per test, a real uvicorn server in-process, credentials."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chiron.config import Settings
from tests.fixtures.server import serve
from tests.stream.helpers import free_port
from tests.stream.redis_server import OwnedRedis


@pytest.fixture
async def owned_redis(tmp_path: Path) -> AsyncIterator[OwnedRedis]:
    """A redis-server of the test's own, to kill, stop and restart (never the shared one)."""
    server = OwnedRedis(free_port(), tmp_path)
    await server.start()
    yield server
    server.close()


@pytest.fixture
def stream_overrides() -> dict[str, Any]:
    """Parametrize this (indirectly by name) to change stream settings for one test."""
    return {}


@pytest.fixture
def settings(settings: Settings, stream_overrides: dict[str, Any]) -> Settings:
    return settings.model_copy(update=stream_overrides)


@pytest.fixture
async def base_url(app: Any) -> AsyncIterator[str]:
    async with serve(app) as url:
        yield url


@pytest.fixture
async def read_headers(make_token: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {await make_token(['read'])}"}


@pytest.fixture
async def http(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(10.0)) as client:
        yield client
