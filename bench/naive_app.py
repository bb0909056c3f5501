"""The naive baseline for bench/ingest.py: validate with Pydantic, `session.add()` each
sample, commit. No auth, gates, rollups or publishing: only the per-row ORM cost."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from chiron.config import Settings
from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.models import TelemetrySample
from chiron.telemetry.schemas import IngestResult, SampleBatch

settings = Settings(database_url=os.environ["CHIRON_DATABASE_URL"], _env_file=None)  # type: ignore[call-arg]
db = Database.from_settings(settings)


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield
    await db.dispose()


app = FastAPI(lifespan=lifespan)


@app.post("/api/v1/dashboard/samples", status_code=202)
async def ingest(batch: SampleBatch) -> IngestResult:
    now = utcnow()
    async with db.writer(), db.sessionmaker() as session:
        for s in batch.samples:
            session.add(
                TelemetrySample(
                    source=s.source,
                    metric=s.metric,
                    value=float(s.value),
                    unit=s.unit,
                    ts=s.ts or now,
                    received_at=now,
                    attrs=s.attrs,
                )
            )
        await session.commit()
    return IngestResult(accepted=len(batch.samples), duplicates=0, gate_transitions=[])
