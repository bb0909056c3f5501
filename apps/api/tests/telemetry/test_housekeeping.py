from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update

from chiron.config import Settings
from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.models import IdempotencyRecord
from chiron.stream.bus import BusMessage
from chiron.telemetry.housekeeping import housekeeper
from chiron.uow import UnitOfWork
from tests.fixtures.factories import ingest, sample, store_counts


async def test_expired_idempotency_keys_are_purged_once_a_minute(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, settings: Settings
) -> None:
    for key in ("old", "new"):
        await ingest(client, {**auth_headers, "Idempotency-Key": key}, [sample(1.0)])
    async with UnitOfWork(db, None) as uow:
        await (await uow.begin()).execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key == "old")
            .values(created_at=utcnow() - timedelta(seconds=settings.idempotency_ttl_s + 60))
        )
    handle = housekeeper(db, settings)
    message = BusMessage("1-0", "samples", b"{}")
    await handle(message)
    assert (await store_counts(db))["idempotency_keys"] == 1
    # Within the minute a second message does no work.
    async with UnitOfWork(db, None) as uow:
        await (await uow.begin()).execute(
            update(IdempotencyRecord).values(created_at=utcnow() - timedelta(days=30))
        )
    await handle(message)
    assert (await store_counts(db))["idempotency_keys"] == 1
