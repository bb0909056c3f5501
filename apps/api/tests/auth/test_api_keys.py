"""API keys against a real store: hashing at rest, constant-time compare, no DB for typos,
revocation within the cache window, throttled usage writes, pepper rotation."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text

from chiron.auth import authenticator, keys, repository, service
from chiron.auth.authenticator import KeyCache, KeyRecord
from chiron.config import Settings
from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.uow import UnitOfWork
from tests.fixtures.auth import MakeToken

READ = "/_probe/read"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def count_queries(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def stored_row(db: Database, key_id: str) -> dict[str, Any]:
    async with db.sessionmaker() as session:
        result = await session.execute(
            text("SELECT * FROM api_clients WHERE key_id = :k"), {"k": key_id}
        )
        return dict(result.mappings().one())


async def test_store_holds_only_a_peppered_digest(
    db: Database, settings: Settings, make_token: MakeToken
) -> None:
    token = await make_token(["ingest"])
    parsed = keys.parse_key(token)
    row = await stored_row(db, parsed.key_id)
    dump = " ".join(str(v) for v in row.values())
    assert parsed.secret not in dump
    assert token not in dump
    assert parsed.secret[:12] not in dump
    assert row["secret_hash"] == keys.hash_secret(parsed.secret, keys.pepper(settings.secret_key))
    assert row["pepper_version"] == settings.pepper_version


async def test_compare_digest_decides(
    client: httpx.AsyncClient,
    db: Database,
    make_token: MakeToken,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = await make_token(["read"])
    parsed = keys.parse_key(token)
    stored = (await stored_row(db, parsed.key_id))["secret_hash"]
    calls: list[tuple[Any, Any]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert (await client.get(READ, headers=bearer(token))).status_code == 200
    assert any(stored in pair for pair in calls), "the stored digest went through compare_digest"

    # A wrong secret passes only if compare_digest says so: it is the deciding comparison.
    wrong = keys.format_key(parsed.key_id, keys.generate_secret())
    assert (await client.get(READ, headers=bearer(wrong))).status_code == 401
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: True)
    assert (await client.get(READ, headers=bearer(wrong))).status_code == 200


async def test_bad_checksum_is_refused_without_a_query(
    client: httpx.AsyncClient, db: Database, make_token: MakeToken
) -> None:
    token = await make_token(["read"])
    typo = token[:-8] + ("x" if token[-8] != "x" else "y") + token[-7:]
    unknown = keys.format_key(keys.generate_key_id(), keys.generate_secret())
    with count_queries(db) as queries:
        response = await client.get(READ, headers=bearer(unknown))
    assert response.status_code == 401
    assert queries, "a well-formed key is looked up"

    for bad in (typo, token[:-3], "chiron_x_y"):
        with count_queries(db) as queries:
            response = await client.get(READ, headers=bearer(bad))
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_token"
        assert queries == []


async def test_messages_never_echo_the_credential(
    client: httpx.AsyncClient, make_token: MakeToken
) -> None:
    token = await make_token(["ingest"])
    secret = keys.parse_key(token).secret
    variants = [token, token[:-2] + "zz", keys.format_key(keys.parse_key(token).key_id, "Q" * 30)]
    for presented in variants:
        for path, method in ((READ, "GET"), ("/_probe/admin", "PUT")):
            response = await client.request(method, path, headers=bearer(presented))
            assert response.status_code in (401, 403)
            rendered = response.text + str(response.headers)
            assert secret not in rendered
            assert presented not in rendered


async def test_revoked_key_stops_within_the_cache_window(
    client: httpx.AsyncClient, db: Database, settings: Settings, make_token: MakeToken
) -> None:
    settings.auth_cache_ttl_s = 0.3
    token = await make_token(["read"])
    assert (await client.get(READ, headers=bearer(token))).status_code == 200
    # Revoked elsewhere (another replica, the CLI): this process only learns by looking again.
    async with UnitOfWork(db, None) as uow:
        await service.revoke_api_client(uow, keys.parse_key(token).key_id)
    await asyncio.sleep(0.35)
    response = await client.get(READ, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "revoked_token"


def test_key_cache_never_trusts_an_entry_past_its_ttl() -> None:
    now = [0.0]
    cache = KeyCache(lambda: 5.0, clock=lambda: now[0])
    record = KeyRecord("k" * 12, "n", "h" * 64, frozenset({"read"}), None, None)
    cache.put(record)
    now[0] = 4.9
    assert cache.get(record.key_id) == record
    now[0] = 5.0
    assert cache.get(record.key_id) is None


async def test_cache_window_is_capped_at_five_seconds(
    client: httpx.AsyncClient, state: Any, settings: Settings, make_token: MakeToken
) -> None:
    settings.auth_cache_ttl_s = 3600
    await client.get(READ, headers=bearer(await make_token(["read"])))
    assert state.extras["auth.authenticator"].cache._ttl() <= 5.0


async def test_expiry_applies_even_to_a_cached_key(
    client: httpx.AsyncClient, make_token: MakeToken, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The clock moves past the expiry instead of the test sleeping through it: on a loaded
    # machine a one-second key could expire before its first request.
    token = await make_token(["read"], expires_in=timedelta(minutes=10))
    assert (await client.get(READ, headers=bearer(token))).status_code == 200
    later = utcnow() + timedelta(minutes=10, seconds=1)
    monkeypatch.setattr(authenticator, "utcnow", lambda: later)
    response = await client.get(READ, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "expired_token"


async def test_last_used_is_written_at_most_once_a_minute(
    client: httpx.AsyncClient, db: Database, make_token: MakeToken
) -> None:
    token = await make_token(["read"])
    key_id = keys.parse_key(token).key_id
    assert (await stored_row(db, key_id))["last_used_at"] is None
    with count_queries(db) as queries:
        for _ in range(5):
            assert (await client.get(READ, headers=bearer(token))).status_code == 200
    updates = [q for q in queries if q.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1
    assert (await stored_row(db, key_id))["last_used_at"] is not None


async def test_usage_bookkeeping_never_fails_the_request(
    client: httpx.AsyncClient, make_token: MakeToken, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("store hiccup")

    monkeypatch.setattr(repository, "touch", broken)
    token = await make_token(["read"])
    assert (await client.get(READ, headers=bearer(token))).status_code == 200


async def test_key_hashed_under_the_previous_pepper_verifies_and_is_rehashed(
    client: httpx.AsyncClient,
    db: Database,
    state: Any,
    settings: Settings,
    make_token: MakeToken,
) -> None:
    token = await make_token(["read"])
    key_id = keys.parse_key(token).key_id
    old_secret = settings.secret_key
    settings.secret_key_previous = old_secret
    settings.secret_key = "rotated-secret-key-that-is-long-enough-9876543210"
    settings.pepper_version = 2
    assert (await client.get(READ, headers=bearer(token))).status_code == 200
    row = await stored_row(db, key_id)
    assert row["pepper_version"] == 2
    assert row["secret_hash"] == keys.hash_secret(
        keys.parse_key(token).secret, keys.pepper(settings.secret_key)
    )
    # Once every key has been seen (and caches have turned over), the previous secret can go.
    settings.secret_key_previous = None
    state.extras["auth.authenticator"].cache.clear()
    assert (await client.get(READ, headers=bearer(token))).status_code == 200


@pytest.mark.parametrize("param", ["access_token", "token", "api_key"])
async def test_tokens_in_the_query_string_are_ignored(
    client: httpx.AsyncClient, make_token: MakeToken, param: str
) -> None:
    token = await make_token(["read"])
    response = await client.get(READ, params={param: token})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_request"


async def test_two_authorization_headers_are_refused(
    client: httpx.AsyncClient, make_token: MakeToken
) -> None:
    token = await make_token(["read"])
    headers = [("Authorization", f"Bearer {token}"), ("Authorization", f"Bearer {token}")]
    response = await client.get(READ, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_request"


async def test_service_helpers_list_and_revoke(db: Database, settings: Settings) -> None:
    async with UnitOfWork(db, None) as uow:
        client, token = await service.create_api_client(
            uow, settings, "rover-7", ["read", "ingest"], timedelta(days=30)
        )
    assert client.scopes == ["ingest", "read"]
    assert client.expires_at is not None
    async with UnitOfWork(db, None) as uow:
        listed = await service.list_api_clients(await uow.begin())
        assert [c.key_id for c in listed] == [client.key_id]
        revoked = await service.revoke_api_client(uow, client.key_id)
        first = revoked.revoked_at
        assert first is not None
        again = await service.revoke_api_client(uow, client.key_id)
        assert again.revoked_at == first
    assert token.startswith(f"chiron_{client.key_id}_")


@pytest.mark.parametrize(
    ("name", "scopes"), [("", ["read"]), ("x", []), ("x", ["write"]), ("x" * 129, ["read"])]
)
async def test_service_refuses_bad_input(
    db: Database, settings: Settings, name: str, scopes: list[str]
) -> None:
    from chiron.errors import InvalidInput

    async with UnitOfWork(db, None) as uow:
        with pytest.raises(InvalidInput):
            await service.create_api_client(uow, settings, name, scopes)
