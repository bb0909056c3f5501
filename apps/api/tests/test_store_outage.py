"""A PostgreSQL server that dies and comes back under steady ingest (issue 17): every answer
is a 202 or a 503 with Retry-After (never a 500: not at the moment it dies, not while it
says "the database system is starting up"), every 202 is stored, and nothing else is.

The server is the test's own (`initdb` on a free port): it is crashed and restarted, which
the shared one must never be. It runs in both suite runs (the bus differs: in-process or
Redis), since the store under test is this one whatever the run's store is.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest

from chiron.config import Settings
from tests.fixtures.auth import MakeToken
from tests.fixtures.factories import INGEST
from tests.fixtures.postgres_server import OwnedPostgres
from tests.stream.helpers import eventually, free_port

pytestmark = pytest.mark.slow  # process-level; `make test` runs it (no marker is deselected)


@pytest.fixture
async def owned_pg() -> AsyncIterator[OwnedPostgres]:
    server = OwnedPostgres(free_port())
    await asyncio.to_thread(server.init)
    await server.start()
    yield server
    server.close()


@pytest.fixture
async def settings(settings: Settings, owned_pg: OwnedPostgres) -> Settings:
    from chiron.cli import alembic_config

    url = await owned_pg.create_database("chiron")

    def upgrade() -> None:
        from alembic import command

        command.upgrade(alembic_config(url), "head")

    await asyncio.to_thread(upgrade)
    return settings.model_copy(update={"database_url": url, "database_pool_size": 4})


@dataclass
class Answers:
    """What each batch (by tag) got back."""

    status: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def count(self, status: int) -> int:
        return sum(1 for s in self.status.values() if s == status)


async def steady_ingest(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    keyed: bool,
    stop: asyncio.Event,
    out: Answers,
) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        tag = f"{'k' if keyed else 'n'}{n}"
        body = {
            "samples": [
                {"source": "outage", "metric": f"seq.{tag}", "value": float(j)} for j in range(3)
            ]
        }
        request_headers = {**headers, **({"Idempotency-Key": f"key-{tag}"} if keyed else {})}
        response = await client.post(INGEST, json=body, headers=request_headers)
        out.status[tag] = response.status_code
        if response.status_code == 503:
            if not response.headers.get("retry-after"):
                out.problems.append(f"{tag}: 503 without Retry-After")
            if response.json()["error"]["code"] != "store_unavailable":
                out.problems.append(f"{tag}: {response.text}")
        elif response.status_code != 202:
            out.problems.append(f"{tag}: {response.status_code} {response.text[:300]}")
        if response.status_code != 202:
            await asyncio.sleep(0.02)  # a client backs off a little


async def stored_batches(owned_pg: OwnedPostgres) -> dict[str, int]:
    conn = await asyncpg.connect(owned_pg.admin_url.rsplit("/", 1)[0] + "/chiron")
    try:
        rows = await conn.fetch(
            "SELECT metric, count(*) AS n FROM telemetry_samples WHERE source = 'outage' "
            "GROUP BY metric"
        )
    finally:
        await conn.close()
    return {row["metric"].removeprefix("seq."): row["n"] for row in rows}


async def test_a_store_restart_under_ingest_answers_202_or_503_and_stores_exactly_the_202s(
    app: Any, make_token: MakeToken, owned_pg: OwnedPostgres
) -> None:
    headers = {"Authorization": f"Bearer {await make_token(['ingest'])}"}
    answers = Answers()
    stop = asyncio.Event()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        loops = [
            asyncio.create_task(steady_ingest(client, headers, keyed, stop, answers))
            for keyed in (True, False)
        ]
        try:
            for crash in (True, False):  # a crash (then crash recovery), then a fast shutdown
                before = answers.count(202)
                await eventually(lambda b=before: answers.count(202) >= b + 10, within=30)
                await asyncio.to_thread(owned_pg.stop, crash=crash)
                refused = answers.count(503)
                await eventually(lambda r=refused: answers.count(503) >= r + 4, within=30)
                await owned_pg.start()
            after = answers.count(202)
            await eventually(lambda: answers.count(202) >= after + 10, within=30)
        finally:
            stop.set()
            await asyncio.gather(*loops)

    assert answers.problems == [], answers.problems[:10]
    assert set(answers.status.values()) == {202, 503}
    stored = await stored_batches(owned_pg)
    accepted = {tag for tag, status in answers.status.items() if status == 202}
    missing = sorted(accepted - stored.keys())
    partial = sorted(tag for tag in accepted & stored.keys() if stored[tag] != 3)
    ghosts = sorted(stored.keys() - accepted)  # refused, yet (partly) stored
    assert (missing, partial) == ([], []), (missing, partial)
    keyed_ghosts = [tag for tag in ghosts if tag.startswith("k")]
    unkeyed_ghosts = [tag for tag in ghosts if tag.startswith("n")]
    assert keyed_ghosts == []
    # Without an Idempotency-Key the batch's statements must share one transaction too:
    # the lead's unit of work (issue 17, defect 1) makes this hold.
    assert unkeyed_ghosts == [], {tag: stored[tag] for tag in unkeyed_ghosts}
