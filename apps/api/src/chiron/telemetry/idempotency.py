"""Idempotency-Key: the first request reserves the key, a retry gets the stored answer."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from chiron.errors import Conflict
from chiron.telemetry.idempotency_repository import IdempotencyRepository, KeyTaken
from chiron.telemetry.schemas import IngestResult
from chiron.uow import UnitOfWork

__all__ = ["KeyTaken", "body_hash", "purge_expired", "replay", "reserve", "store_answer"]


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


async def replay(
    uow: UnitOfWork, principal: str, key: str, digest: str, since: datetime
) -> IngestResult | None:
    """The stored answer for a retry, None for a new key; 409 if the key's body differs."""
    record = await IdempotencyRepository(await uow.begin()).get(principal, key)
    if record is None or record.created_at < since:
        return None
    if record.request_hash != digest:
        raise Conflict(
            "This Idempotency-Key was used with a different request body",
            code="idempotency_key_reused",
        )
    original = IngestResult.model_validate(record.response)
    # This request stored nothing: every sample was already stored by the first.
    return original.model_copy(update={"accepted": 0, "duplicates": original.accepted})


async def reserve(
    uow: UnitOfWork, principal: str, key: str, digest: str, now: datetime, ttl_s: int
) -> None:
    """Insert the key first: a concurrent retry blocks on it, then finds it taken
    (`KeyTaken`)."""
    repo = IdempotencyRepository(await uow.begin())
    await repo.delete_expired(principal, key, now - timedelta(seconds=ttl_s))
    await repo.reserve(principal, key, digest, now)


async def store_answer(uow: UnitOfWork, principal: str, key: str, answer: IngestResult) -> None:
    await IdempotencyRepository(uow.session).set_response(
        principal, key, answer.model_dump(mode="json")
    )


async def purge_expired(uow: UnitOfWork, before: datetime) -> int:
    return await IdempotencyRepository(await uow.begin()).purge(before)
