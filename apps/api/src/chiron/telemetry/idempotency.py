"""Idempotency-Key: the first request reserves the key, a retry gets the stored answer."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from chiron.errors import Conflict
from chiron.models import IdempotencyRecord
from chiron.telemetry.schemas import IngestResult


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


async def replay(
    session: AsyncSession, principal: str, key: str, digest: str, since: datetime
) -> IngestResult | None:
    """The stored answer for a retry, None for a new key; 409 if the key's body differs."""
    record = await session.get(IdempotencyRecord, (principal, key))
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
    session: AsyncSession, principal: str, key: str, digest: str, now: datetime, ttl_s: int
) -> IdempotencyRecord:
    """Insert the key first: a concurrent retry blocks on it, then finds it taken."""
    await session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.principal == principal,
            IdempotencyRecord.key == key,
            IdempotencyRecord.created_at < now - timedelta(seconds=ttl_s),
        )
    )
    record = IdempotencyRecord(
        principal=principal, key=key, request_hash=digest, response={}, created_at=now
    )
    session.add(record)
    await session.flush()
    return record


async def purge_expired(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < before)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
