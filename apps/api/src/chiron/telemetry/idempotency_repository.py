"""Every query of Idempotency-Key records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from chiron.kit.repository import Repository
from chiron.models import IdempotencyRecord


class KeyTaken(Exception):
    """A concurrent request reserved the same key first (its transaction is now unusable)."""


class IdempotencyRepository(Repository):
    async def get(self, principal: str, key: str) -> IdempotencyRecord | None:
        return await self.session.get(IdempotencyRecord, (principal, key))

    async def delete_expired(self, principal: str, key: str, before: datetime) -> None:
        await self.session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.principal == principal,
                IdempotencyRecord.key == key,
                IdempotencyRecord.created_at < before,
            )
        )

    async def reserve(self, principal: str, key: str, digest: str, now: datetime) -> None:
        self.session.add(
            IdempotencyRecord(
                principal=principal, key=key, request_hash=digest, response={}, created_at=now
            )
        )
        try:
            await self.session.flush()
        except IntegrityError:
            raise KeyTaken(key) from None

    async def set_response(self, principal: str, key: str, response: dict[str, Any]) -> None:
        record = await self.get(principal, key)
        assert record is not None, "reserve() first"
        record.response = response

    async def purge(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.created_at < before)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
