"""Retention: what is past each tier's cutoff leaves (whole partitions on PostgreSQL,
bounded batches on SQLite), what is inside stays and still answers, the latest values are
untouched, a dry run changes nothing, and two prunes never run at once."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select, text

from chiron.cli import alembic_config
from chiron.config import Settings
from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.models import MetricLatest, SampleRollup, TelemetrySample
from chiron.telemetry.retention import prune, prune_job, store_for
from chiron.telemetry.stores import Removal
from chiron.uow import UnitOfWork
from tests.fixtures.cli import chiron_ok
from tests.fixtures.factories import ingest, sample
from tests.fixtures.stores import store_kind

OLD_DAYS = 40
OLD = 30  # one sample a minute, 40 days ago at noon: raw and 10 s past retention
RECENT = 20  # one sample a second, a few minutes ago


def _retention(settings: Settings, **extra: object) -> Settings:
    return settings.model_copy(
        update={
            "retention_raw": timedelta(days=30),
            "retention_rollup_10s": timedelta(days=35),
            "retention_rollup_1m": timedelta(days=45),
            "retention_rollup_10m": timedelta(days=60),
            "retention_rollup_1h": None,
            "prune_batch_rows": 7,  # several batches per tier
            **extra,
        }
    )


def _old_start(now: datetime) -> datetime:
    day = (now - timedelta(days=OLD_DAYS)).date()
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


async def _fill(client: httpx.AsyncClient, headers: dict[str, str], now: datetime) -> None:
    old = _old_start(now)
    samples = [sample(float(i), ts=old + timedelta(minutes=i)) for i in range(OLD)]
    samples += [
        sample(100.0 + i, ts=now - timedelta(minutes=5) + timedelta(seconds=i))
        for i in range(RECENT)
    ]
    response = await ingest(client, headers, samples)
    assert response.status_code == 202, response.text


async def _counts(db: Database) -> dict[str, int]:
    async with db.readers() as session:
        raw = await session.scalar(select(func.count()).select_from(TelemetrySample))
        latest = await session.scalar(select(func.count()).select_from(MetricLatest))
        rollups = dict(
            (
                await session.execute(
                    select(SampleRollup.resolution_s, func.count()).group_by(
                        SampleRollup.resolution_s
                    )
                )
            ).all()
        )
    return {"raw": raw or 0, "latest": latest or 0, **{f"r{k}": v for k, v in rollups.items()}}


def _by_tier(removals: list[Removal]) -> dict[str, int]:
    return {r.tier.name: r.rows for r in removals}


async def _series(
    client: httpx.AsyncClient, headers: dict[str, str], start: datetime, end: datetime
) -> list[dict[str, object]]:
    response = await client.get(
        "/api/v1/dashboard/series",
        params={
            "source": "rover-1",
            "metric": "battery.voltage",
            "from": start.isoformat(),
            "to": end.isoformat(),
            "points": 60,
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()["points"]  # type: ignore[no-any-return]


async def test_dry_run_counts_and_changes_nothing(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, settings: Settings
) -> None:
    now = utcnow()
    await _fill(client, auth_headers, now)
    before = await _counts(db)
    result = await prune(db, _retention(settings), dry_run=True, now=now)
    assert result.skipped is None
    assert _by_tier(result.removals) == {"raw": OLD, "10s": OLD, "1m": 0, "10m": 0}
    assert result.created == []  # a dry run creates no partition either
    assert await _counts(db) == before


async def test_prune_removes_only_what_is_past_retention(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, settings: Settings
) -> None:
    now = utcnow()
    await _fill(client, auth_headers, now)
    before = await _counts(db)
    old_range = (_old_start(now), _old_start(now) + timedelta(hours=1))
    old_points = await _series(client, auth_headers, *old_range)
    summary = (await client.get("/api/v1/dashboard/summary", headers=auth_headers)).json()

    result = await prune(db, _retention(settings), dry_run=False, now=now)

    assert _by_tier(result.removals) == {"raw": OLD, "10s": OLD, "1m": 0, "10m": 0}
    after = await _counts(db)
    assert after["raw"] == before["raw"] - OLD == RECENT
    assert after["r10"] == before["r10"] - OLD
    for kept in ("r60", "r600", "r3600", "latest"):
        assert after[kept] == before[kept]
    # An hour 40 days ago is still answered, from the 1-minute tier kept 45 days.
    assert await _series(client, auth_headers, *old_range) == old_points
    assert len(old_points) == OLD
    # The summary reads latest values and recent rollups: identical.
    again = (await client.get("/api/v1/dashboard/summary", headers=auth_headers)).json()
    assert again["metrics"] == summary["metrics"]
    # Nothing left to do: a second prune removes nothing.
    assert (await prune(db, _retention(settings), now=now)).rows == 0


async def test_each_batch_is_its_own_unit_and_the_job_prunes(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, settings: Settings
) -> None:
    now = utcnow()
    await _fill(client, auth_headers, now)
    result = await prune(db, _retention(settings), now=now)
    tiers = {r.tier.name: r for r in result.removals}
    # 30 rows in batches of at most 7 (SQLite: fewer rows when a batch held the writer long).
    if store_kind() == "sqlite":
        assert tiers["raw"].batches >= -(-OLD // 7)
        assert tiers["10s"].batches >= -(-OLD // 7)
    else:  # the default partitions' rows (no partition for that day yet): in batches of 7
        assert tiers["raw"].batches == tiers["10s"].batches == -(-OLD // 7)
    # The lifespan's job: the same prune through its own units of work.
    await _fill(client, auth_headers, now)
    await prune_job(_retention(settings))(UnitOfWork(db, None))
    counts = await _counts(db)
    assert counts["raw"] == 2 * RECENT


async def test_two_prunes_never_run_at_once(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, settings: Settings
) -> None:
    """PostgreSQL: pg_try_advisory_lock across replicas; SQLite: one per process."""
    now = utcnow()
    await _fill(client, auth_headers, now)
    config = _retention(settings)
    seen: list[str | None] = []

    async def meanwhile(_: Removal) -> None:
        if not seen:
            seen.append((await prune(db, config, now=now)).skipped)

    first = await prune(db, config, now=now, progress=meanwhile)
    assert first.skipped is None
    assert first.rows == 2 * OLD
    assert seen
    assert seen[0] is not None
    assert "prun" in seen[0]
    # Released afterwards: the next one runs.
    assert (await prune(db, config, now=now)).skipped is None


async def test_partitions_are_created_ahead_and_old_days_dropped(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, settings: Settings
) -> None:
    now = utcnow()
    config = _retention(settings)
    store = store_for(db, config)
    old_day = _old_start(now).date()
    name = f"telemetry_samples_p{old_day:%Y%m%d}"
    await _fill(client, auth_headers, now)
    # As the job would have done 40 days ago: that day and the next ones exist. On
    # PostgreSQL the old samples, which had landed in the default partition, move in.
    created = await store.prepare(_old_start(now))
    if store_kind() == "sqlite":
        assert created == []  # one table, nothing to create
        return
    assert name in created
    # Yesterday to today + ahead, for the samples and the 10 s and 1 min rollups.
    assert len(created) == 3 * (config.partition_ahead_days + 2)
    assert await _partition_rows(db, name) == OLD
    assert await _partition_rows(db, "telemetry_samples_default") == 0
    assert await store.prepare(_old_start(now)) == []  # idempotent
    # Today's and the coming days' partitions exist already (migration or job).
    ahead = [f"telemetry_samples_p{now.date() + timedelta(days=d):%Y%m%d}" for d in range(4)]
    await store.prepare(now)
    partitions = await store.partitions()  # type: ignore[attr-defined]
    assert set(ahead) <= set(partitions)

    # The 10 s and 1 min rollups are daily partitions too.
    from chiron.telemetry.stores.postgres import DAILY_ROLLUPS

    r10, r60 = DAILY_ROLLUPS[10], DAILY_ROLLUPS[60]
    assert {r10.name(old_day), r60.name(old_day)} <= set(created)
    assert await _partition_rows(db, r10.name(old_day)) == OLD
    assert await _partition_rows(db, r10.default) == 0

    result = await prune(db, config, now=now)
    removed = {r.tier.name: r for r in result.removals}
    assert name in removed["raw"].partitions
    assert removed["raw"].rows == OLD
    assert r10.name(old_day) in removed["10s"].partitions  # past the 10 s tier's 35 days
    assert removed["10s"].rows == OLD
    assert removed["1m"].partitions == []  # inside the 1 min tier's 45 days
    assert r60.name(old_day) in await store.partitions(r60)  # type: ignore[attr-defined]
    assert r10.name(old_day) not in await store.partitions(r10)  # type: ignore[attr-defined]
    assert name not in await store.partitions()  # type: ignore[attr-defined]
    assert set(ahead) <= set(await store.partitions())  # type: ignore[attr-defined]
    assert (await _counts(db))["raw"] == RECENT


async def _partition_rows(db: Database, table: str) -> int:
    async with db.readers() as session:
        return int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_sqlite_batches_let_another_writer_in(tmp_path: Path, settings: Settings) -> None:
    """The embedded store's prune holds the writer one batch at a time: a writer that
    queues during the prune commits before the prune's next batch (on a SQLite store of its
    own, whatever this run's store)."""
    from alembic import command

    url = f"sqlite+aiosqlite:///{tmp_path / 'prune.db'}"
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")
    config = _retention(settings, database_url=url, prune_batch_rows=10)
    db = Database.from_settings(config)
    old = datetime(2020, 1, 1, tzinfo=UTC).isoformat(" ")[:19] + ".000000"
    try:
        async with UnitOfWork(db, None) as uow:
            session = await uow.begin()
            await session.execute(
                text(
                    "INSERT INTO metric_latest (source, metric, value, ts, last_seen_at, "
                    "sample_count, stale) VALUES ('r', 'm', 1, :ts, :ts, 50, 0)"
                ),
                {"ts": old},
            )
            for i in range(50):
                await session.execute(
                    text(
                        "INSERT INTO telemetry_samples (source, metric, value, ts, received_at) "
                        "VALUES ('r', 'm', :v, :ts, :ts)"
                    ),
                    {"v": float(i), "ts": old},
                )
        events: list[str] = []

        async def other_writer() -> None:
            async with UnitOfWork(db, None) as uow:
                session = await uow.begin()
                await session.execute(
                    text(
                        "INSERT INTO telemetry_samples (source, metric, value, ts, received_at) "
                        "VALUES ('r', 'm', 1, :ts, :ts)"
                    ),
                    {"ts": utcnow().isoformat(" ")[:26]},
                )
            events.append("other writer")

        task: asyncio.Task[None] | None = None

        async def progress(removal: Removal) -> None:
            nonlocal task
            events.append(f"batch {removal.batches}")
            if task is None:
                task = asyncio.create_task(other_writer())
                # It holds the writer (or is done) before the prune asks for it again.
                while not (db._write_lock.locked() or task.done()):  # noqa: ASYNC110
                    await asyncio.sleep(0)

        result = await prune(db, config, now=utcnow(), progress=progress)
        assert task is not None
        await task
        assert result.removals[0].batches >= 5  # 50 rows, at most 10 a batch
        assert events[:3] == ["batch 1", "other writer", "batch 2"]
    finally:
        await db.dispose()


def test_cli_prune_dry_run_then_prune(store_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIRON_")}
    env.update(CHIRON_DATABASE_URL=store_url, CHIRON_ENV="development")
    chiron_ok("db", "upgrade", env=env, cwd=tmp_path)
    dry = chiron_ok("db", "prune", "--dry-run", env=env, cwd=tmp_path)
    assert "Retention: raw 30d, 10s 90d, 1m 180d, 10m 365d, 1h 1825d (dry run" in dry
    assert "telemetry_samples [raw] before " in dry
    assert "sample_rollups [1h] before " in dry
    assert "Total: would remove 0 rows" in dry
    env["CHIRON_RETENTION_ROLLUP_1H"] = "off"
    done = chiron_ok("db", "prune", env=env, cwd=tmp_path)
    assert "Total: removed 0 rows" in done
    assert "[1h]" not in done
    if store_kind() == "postgres":
        assert "Created partition" not in done  # the migration made them ahead


async def test_the_app_runs_the_prune_job(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, settings: Settings
) -> None:
    """CHIRON_PRUNE_INTERVAL_S > 0: the lifespan starts the job (first run after one short
    interval here), which prunes what is past retention."""
    from chiron.app import create_app

    now = utcnow()
    await _fill(client, auth_headers, now)
    app = create_app(_retention(settings, prune_interval_s=0.05))
    async with app.router.lifespan_context(app):
        deadline = asyncio.get_running_loop().time() + 30
        while (await _counts(db))["raw"] != RECENT:
            assert asyncio.get_running_loop().time() < deadline, "the job never pruned"
            await asyncio.sleep(0.05)
    assert (await _counts(db))["latest"] == 1


def test_sqlite_batches_shrink_when_they_hold_the_writer_long() -> None:
    from chiron.telemetry.stores.sqlite import MIN_BATCH, TARGET_HOLD_S, next_size

    assert next_size(1000, TARGET_HOLD_S * 3, 1000) == 500
    assert next_size(60, TARGET_HOLD_S * 3, 1000) == MIN_BATCH
    assert next_size(7, TARGET_HOLD_S * 3, 7) == 7  # never above the configured size
    assert next_size(500, TARGET_HOLD_S / 4, 1000) == 625
    assert next_size(1000, TARGET_HOLD_S / 4, 1000) == 1000
    assert next_size(400, TARGET_HOLD_S * 0.75, 1000) == 400
