"""The seeded day ends where the simulator begins: the first live samples carry on the
seeded curves instead of jumping away from them."""

from __future__ import annotations

import math
import random
import time

import httpx
from sqlalchemy import select

from chiron.config import Settings
from chiron.db import Database
from chiron.dev import simulate
from chiron.dev.fleet import BASE_SOURCES, make_series
from chiron.dev.seed import seed
from chiron.kit.time import utcnow
from chiron.models import TelemetrySample
from tests.fixtures.auth import MakeToken

SIMULATOR_SEED = 1234  # any: the waves depend on the series' names, not on the seed


async def _samples(db: Database) -> dict[tuple[str, str], list[tuple[float, float]]]:
    async with db.sessionmaker() as session:
        rows = await session.execute(
            select(
                TelemetrySample.source,
                TelemetrySample.metric,
                TelemetrySample.ts,
                TelemetrySample.value,
            ).order_by(TelemetrySample.ts)
        )
    out: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for source, metric, ts, value in rows:
        out.setdefault((source, metric), []).append((ts.timestamp(), value))
    return out


async def test_first_live_samples_continue_the_seeded_curves(
    db: Database, settings: Settings, client: httpx.AsyncClient, make_token: MakeToken
) -> None:
    seeded_until = utcnow()
    await seed(db, settings=settings, now=seeded_until)
    key = await make_token(["ingest"])

    # The simulator's own device loop, one tick per source, through the real ingest endpoint.
    series = make_series(SIMULATOR_SEED, len(BASE_SOURCES))
    stats = simulate.Stats()
    client.headers["Authorization"] = f"Bearer {key}"
    rng = random.Random(SIMULATOR_SEED)
    for source, models in BASE_SOURCES:
        mine = {m.metric: series[(source, m.metric)] for m in models}
        await simulate._device(client, source, mine, 1.0, time.monotonic() + 0.5, stats, rng)
    assert stats.errors == 0, stats.last_error

    end = seeded_until.timestamp()
    jumps = []
    for (source, metric), points in (await _samples(db)).items():
        before = [p for p in points if p[0] <= end]
        after = [p for p in points if p[0] > end]
        assert before, (source, metric)
        assert after, (source, metric)
        (t0, seeded), (t1, live) = before[-1], after[0]
        model = series[(source, metric)].model
        # Two noisy samples of the same curve: within 6 sigma of each other's noise, plus how
        # far the daily wave moves over the gap, plus rounding.
        wave_slope = model.swing * 2 * math.pi / 86400
        allowed = 6 * model.noise * math.sqrt(2) + wave_slope * (t1 - t0) + 0.01
        if abs(live - seeded) > allowed:
            jumps.append(f"{source}/{metric}: {seeded} -> {live} (allowed {allowed:.2f})")
    assert jumps == []
