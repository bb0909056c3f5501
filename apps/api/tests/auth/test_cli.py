"""`chiron clients create|list|revoke` against the test store, then the key over HTTP."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterator

import httpx
import pytest
from click.testing import Result
from typer.testing import CliRunner

from chiron.auth.cli import parse_duration
from chiron.cli import app as cli
from chiron.config import Settings, get_settings

KEY_PATTERN = re.compile(r"chiron_[0-9A-Za-z]+_[0-9A-Za-z]+")
Invoke = Callable[..., Awaitable[Result]]
CACHE_TTL_S = 0.2


@pytest.fixture
def run(settings: Settings) -> Iterator[Invoke]:
    env = {
        "CHIRON_ENV": "test",
        "CHIRON_DATABASE_URL": settings.database_url,
        "CHIRON_SECRET_KEY": settings.secret_key,
    }
    runner = CliRunner()
    settings.auth_cache_ttl_s = CACHE_TTL_S

    async def invoke(*args: str) -> Result:
        get_settings.cache_clear()
        # The command runs its own event loop: give it a thread of its own.
        return await asyncio.to_thread(runner.invoke, cli, list(args), env=env)

    yield invoke
    get_settings.cache_clear()


async def test_create_use_list_revoke(run: Invoke, client: httpx.AsyncClient) -> None:
    args = ["create", "rover-7", "--scope", "ingest", "-s", "read", "--expires-in", "30d"]
    created = await run("clients", *args)
    assert created.exit_code == 0, created.output
    [token] = KEY_PATTERN.findall(created.stdout)
    assert "will not be shown again" in created.output
    key_id = token.split("_")[1]

    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/_probe/read", headers=headers)).status_code == 200
    assert (await client.put("/_probe/admin", headers=headers)).status_code == 403

    listed = await run("clients", "list")
    assert listed.exit_code == 0, listed.output
    assert key_id in listed.stdout
    assert "rover-7" in listed.stdout
    assert token.split("_")[2] not in listed.output
    assert not KEY_PATTERN.search(listed.output)

    revoked = await run("clients", "revoke", key_id)
    assert revoked.exit_code == 0, revoked.output
    # Another process revoked it: this one notices once its short cache turns over.
    await asyncio.sleep(CACHE_TTL_S + 0.05)
    response = await client.get("/_probe/read", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "revoked_token"


async def test_unknown_key_and_bad_scope_fail_cleanly(run: Invoke) -> None:
    missing = await run("clients", "revoke", "nosuchkey")
    assert missing.exit_code == 1
    assert "No API client" in missing.output
    bad = await run("clients", "create", "x", "--scope", "write")
    assert bad.exit_code == 2


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("12h", 43200), ("30d", 2592000)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "0d", "5", "5w", "-1d", "d"])
def test_bad_durations(text: str) -> None:
    import typer

    with pytest.raises(typer.BadParameter):
        parse_duration(text)
