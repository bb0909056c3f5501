"""Source-bound device keys: allowed sources pass, any other source refuses the whole batch
(samples and timeline events) with nothing stored; shell-style patterns; the CLI."""

from __future__ import annotations

import re

import httpx
import pytest

from chiron.auth import binding
from chiron.auth.service import create_api_client
from chiron.config import Settings
from chiron.db import Database
from chiron.errors import InvalidInput
from chiron.uow import UnitOfWork
from tests.auth.test_cli import KEY_PATTERN, Invoke, run  # noqa: F401 - the CLI fixture
from tests.fixtures.factories import ingest, sample, store_counts

PATTERNS = ["rover-7", "relay-*", "probe-?", "cam-[ab]"]


async def bound_key(db: Database, settings: Settings, sources: list[str] | None) -> dict[str, str]:
    async with UnitOfWork(db, None) as uow:
        _, token = await create_api_client(
            uow, settings, "rover-7", ["ingest", "read"], sources=sources
        )
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("source", "allowed"),
    [
        ("rover-7", True),
        ("relay-1", True),
        ("relay-north.2", True),
        ("probe-x", True),
        ("cam-a", True),
        ("rover-8", False),
        ("rover-77", False),
        ("Rover-7", False),  # case matters: source ids are case-sensitive
        ("relay", False),
        ("probe-xy", False),
        ("cam-c", False),
    ],
)
async def test_patterns(
    client: httpx.AsyncClient, db: Database, settings: Settings, source: str, allowed: bool
) -> None:
    headers = await bound_key(db, settings, PATTERNS)
    response = await ingest(client, headers, [sample(1.0, source=source)])
    assert response.status_code == (202 if allowed else 403), response.text


async def test_a_batch_with_one_other_source_is_refused_whole(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    headers = await bound_key(db, settings, PATTERNS)
    before = await store_counts(db)
    batch = [sample(1.0, source="rover-7"), sample(2.0, source="rover-8"),
             sample(3.0, source="relay-2"), sample(4.0, source="zeta")]  # fmt: skip
    response = await client.post(
        "/api/v1/dashboard/samples",
        json={"samples": batch},
        headers={**headers, "Idempotency-Key": "batch-1"},
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "source_not_allowed"
    assert error["details"]["sources"] == ["rover-8", "zeta"]
    assert error["details"]["allowed"] == PATTERNS
    assert "rover-8" in error["message"]
    assert await store_counts(db) == before  # nothing stored, not even the idempotency key


async def test_an_unbound_key_writes_any_source(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    headers = await bound_key(db, settings, None)
    response = await ingest(client, headers, [sample(1.0, source="anything-at-all")])
    assert response.status_code == 202


async def test_timeline_events_are_bound_too(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    headers = await bound_key(db, settings, PATTERNS)
    before = await store_counts(db)
    for body in ({"title": "reboot", "source": "rover-9"}, {"title": "reboot"}):
        response = await client.post("/api/v1/timeline", json=body, headers=headers)
        assert response.status_code == 403, body
        assert response.json()["error"]["code"] == "source_not_allowed"
    assert await store_counts(db) == before
    ok = await client.post(
        "/api/v1/timeline", json={"title": "reboot", "source": "relay-4"}, headers=headers
    )
    assert ok.status_code == 201, ok.text


@pytest.mark.parametrize("patterns", [[], [""], ["rover 7"], ["x" * 129], ["a;b"]])
async def test_bad_patterns_are_refused(
    db: Database, settings: Settings, patterns: list[str]
) -> None:
    with pytest.raises(InvalidInput):
        await bound_key(db, settings, patterns)


def test_check_names_a_missing_source() -> None:
    with pytest.raises(binding.SourceNotAllowed) as refused:
        binding.check(["rover-7"], [None, "rover-7"])
    assert refused.value.details == {"sources": [None], "allowed": ["rover-7"]}
    binding.check(None, [None, "x"])  # unbound: anything goes


async def test_cli_creates_and_lists_a_bound_key(
    run: Invoke,  # noqa: F811 - the fixture
    client: httpx.AsyncClient,
) -> None:
    created = await run(
        "clients", "create", "rover-7", "--scope", "ingest",
        "--source", "rover-7", "--source", "relay-*",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "sources rover-7 relay-*" in created.stdout
    [token] = KEY_PATTERN.findall(created.stdout)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await ingest(client, headers, [sample(1.0, source="relay-9")])).status_code == 202
    assert (await ingest(client, headers, [sample(1.0, source="rover-1")])).status_code == 403
    unbound = await run("clients", "create", "ops", "--scope", "read")
    assert "sources any" in unbound.stdout
    listed = await run("clients", "list")
    assert listed.exit_code == 0, listed.output
    rows = {line.split("│")[2].strip(): line for line in listed.stdout.splitlines() if "│" in line}
    assert re.search(r"│\s*rover-7 relay-\*\s*│", rows["rover-7"])
    assert re.search(r"│\s*any\s*│", rows["ops"])
    bad = await run("clients", "create", "x", "--scope", "ingest", "--source", "no spaces")
    assert bad.exit_code == 1
    assert "Not a source pattern" in bad.output
