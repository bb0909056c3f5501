"""The mock issuer's key: made by `cryptography`, kept in the store, shared by replicas."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import jwt
from alembic import command
from cryptography.hazmat.primitives.asymmetric import rsa

from chiron.cli import alembic_config
from chiron.config import Settings
from chiron.db import Database
from chiron.dev import issuer as dev_issuer
from chiron.dev.issuer import DevIssuer, key_id
from chiron.state import AppState
from tests.fixtures.stores import scratch_store


async def _migrated(url: str) -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")


async def test_the_key_is_a_generated_rsa_key_kept_in_the_store(
    settings: Settings, tmp_path: Path
) -> None:
    async with scratch_store(tmp_path / "issuer.db") as url:
        await _migrated(url)
        store = settings.model_copy(update={"database_url": url})
        first, second = Database.from_settings(store), Database.from_settings(store)
        try:
            a = await DevIssuer(store, first).private_key()
            # Another process on the same store (a second replica, a restart) reads it back.
            b = await DevIssuer(store, second).private_key()
        finally:
            await first.dispose()
            await second.dispose()
    assert isinstance(a, rsa.RSAPrivateKey)
    assert a.key_size == dev_issuer.KEY_SIZE == 2048
    assert a.public_key().public_numbers().e == 65537
    assert a.private_numbers() == b.private_numbers()
    # Not derived from the secret: another store gets another key under the same secret.
    async with scratch_store(tmp_path / "other.db") as url:
        await _migrated(url)
        other_db = Database.from_settings(settings.model_copy(update={"database_url": url}))
        try:
            c = await DevIssuer(store, other_db).private_key()
        finally:
            await other_db.dispose()
    assert c.public_key().public_numbers() != a.public_key().public_numbers()


async def test_replicas_racing_on_an_empty_store_agree_on_one_key(
    settings: Settings, tmp_path: Path
) -> None:
    async with scratch_store(tmp_path / "race.db") as url:
        await _migrated(url)
        store = settings.model_copy(update={"database_url": url})
        dbs = [Database.from_settings(store) for _ in range(3)]
        try:
            keys = await asyncio.gather(*(DevIssuer(store, db).private_key() for db in dbs))
            stored = await DevIssuer(store, dbs[0]).private_key()
        finally:
            for db in dbs:
                await db.dispose()
    # Whoever lost the insert uses the winner's key, so every replica verifies the others.
    assert {key_id(k.public_key()) for k in keys} == {key_id(stored.public_key())}


async def test_jwks_and_assertions_come_from_the_stored_key(
    client: httpx.AsyncClient, state: AppState
) -> None:
    issuer = state.local_issuer
    assert isinstance(issuer, DevIssuer)
    key = await issuer.private_key()
    [jwk] = (await client.get("/auth/dev/jwks.json")).json()["keys"]
    public = jwt.algorithms.RSAAlgorithm.from_jwk(jwk)
    assert isinstance(public, rsa.RSAPublicKey)
    assert public.public_numbers() == key.public_key().public_numbers()
    minted = await client.post("/auth/dev/assertion", json={"email": "ada@example.com"})
    assertion = minted.json()["assertion"]
    assert jwt.get_unverified_header(assertion)["kid"] == jwk["kid"]
    claims = jwt.decode(assertion, key.public_key(), algorithms=["RS256"], audience="chiron")
    assert claims["email"] == "ada@example.com"
