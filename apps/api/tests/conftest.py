"""Shared fixtures: a migrated store per run; an app per test module, with a fresh lifespan
(store, bus, workers; tables emptied), settings and HTTP client per test."""

from __future__ import annotations

import asyncio
import copy
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter
from sqlalchemy import delete

from chiron.app import create_app
from chiron.config import Settings
from chiron.db import Database
from chiron.models import Base
from chiron.observability import otel
from chiron.observability.logging import configure_logging
from chiron.observability.otel import setup_telemetry
from chiron.state import AppState
from chiron.uow import UnitOfWork

pytest_plugins = ["tests.fixtures.stores", "tests.fixtures.auth"]

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def pytest_report_header() -> list[str]:
    from tests.fixtures.stores import bus_kind, store_kind

    return [f"chiron store: {store_kind()}, bus: {bus_kind()}"]


# The fixtures through which a test reaches the run's store or bus (every store-backed fixture,
# `settings`, `app`, `client`, `db`, ..., depends on one of them), and the names a test calls
# to make a store or bus of its own of the run's kind (tests/test_migrations.py).
STORE_OR_BUS = frozenset({"database_url", "redis_url", "store_url"})
PICKS_A_STORE = frozenset({"store_kind", "bus_kind", "create_pg_database", "scratch_store"})


def runs_on_every_store(item: pytest.Item) -> bool:
    if STORE_OR_BUS.intersection(getattr(item, "fixturenames", ())):
        return True
    code = getattr(getattr(item, "function", None), "__code__", None)
    return code is not None and bool(PICKS_A_STORE.intersection(code.co_names))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that reaches neither the store nor the bus (parsing, validation, pure rules,
    the CLI's imports, docs) runs the same on every store: it runs in the SQLite +
    in-process bus run only, and is deselected (reported as such, not skipped) on any other
    pair. CHIRON_TEST_ALL=1 runs everything on every pair."""
    from tests.fixtures.stores import bus_kind, store_kind

    default_pair = (store_kind(), bus_kind()) == ("sqlite", "memory")
    if default_pair or os.environ.get("CHIRON_TEST_ALL") == "1":
        return
    once = [item for item in items if not runs_on_every_store(item)]
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if runs_on_every_store(item)]


@pytest.fixture(scope="session")
async def migrated(database_url: str) -> str:
    from chiron.cli import alembic_config

    def upgrade() -> None:
        from alembic import command

        command.upgrade(alembic_config(database_url), "head")

    await asyncio.to_thread(upgrade)
    return database_url


@pytest.fixture(scope="module")
def _kept() -> Iterator[dict[str, Any]]:
    """What the tests of one module share: their settings object and their app (below)."""
    kept: dict[str, Any] = {}
    yield kept
    kept.clear()


@pytest.fixture
def settings(migrated: str, redis_url: str | None, _kept: dict[str, Any]) -> Settings:
    from tests.fixtures.stores import stream_key  # imported after pytest_plugins registers it

    fresh = Settings(
        env="test",
        database_url=migrated,
        redis_url=redis_url,
        stream_key=stream_key(),
        secret_key=TEST_SECRET,
        seed_on_start=False,
        stale_sweep_s=0,
        prune_interval_s=0,  # tests prune explicitly (tests/telemetry/test_retention.py)
        log_format="console",
        _env_file=None,  # type: ignore[call-arg]
    )
    # One object per module, given this test's fresh values (what an earlier test changed in
    # it is gone): the module's kept app reads its settings from this object, as an app
    # reads the object it was built with.
    shared = _kept.setdefault("settings", fresh)
    if shared is not fresh:
        shared.__dict__.clear()
        shared.__dict__.update(fresh.__dict__)
        for name in ("__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"):
            object.__setattr__(shared, name, copy.copy(getattr(fresh, name)))
    return shared  # type: ignore[no-any-return]


# Kept between tests like a deployment keeps them: the mock issuer's RSA key is generated
# once per store, not once per test (a few hundred milliseconds each).
_KEPT = frozenset({"signing_keys"})


async def _clean(db: Database) -> None:
    async with UnitOfWork(db, None) as uow:
        session = await uow.begin()
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in _KEPT:
                await session.execute(delete(table))


@pytest.fixture
def app_routers() -> tuple[APIRouter, ...]:
    """Routers a directory's tests add to the app (tests/auth/conftest.py: probes)."""
    return ()


def _build(settings: Settings, routers: tuple[APIRouter, ...]) -> tuple[object, ...]:
    """What create_app and the routers read when an app is built, beyond the module's shared
    settings object: its values (but the stream key, read by each lifespan), the process's
    telemetry (chiron.observability.otel) and the environment (OTEL_*, CHIRON_*)."""
    env = sorted((k, v) for k, v in os.environ.items() if k.startswith(("OTEL_", "CHIRON_")))
    values = settings.model_dump(exclude={"stream_key"})
    return values, id(otel.current()), env, tuple(id(router) for router in routers)


@pytest.fixture
async def app(
    settings: Settings, app_routers: tuple[APIRouter, ...], _kept: dict[str, Any]
) -> AsyncIterator[object]:
    """A fresh lifespan per test (store, bus, hub, workers, mock issuer; tables emptied) on an
    app kept for the module's next tests while it would be built the same: an app's first
    request builds FastAPI's state of every route (dependants, body and response models;
    ~80-100 ms of CPU), ~800 times per run otherwise. An app built with other settings (a
    fixture's `model_copy`), or whose routes a test changed, is its test's alone."""
    build = _build(settings, app_routers)
    kept = _kept.get("app")
    if kept is not None and kept[0] is settings and kept[1] == build:
        application = kept[2]
        configure_logging(settings)  # as create_app does: a test may have configured other
        setup_telemetry(settings)
    else:
        application = create_app(settings)
        for router in app_routers:
            application.include_router(router)
        kept = None
    routes = list(application.router.routes)
    async with application.router.lifespan_context(application):
        await _clean(application.state.chiron.db)
        yield application
    if settings is _kept.get("settings") and list(application.router.routes) == routes:
        _kept["app"] = (settings, build, application)
    elif kept is not None:
        del _kept["app"]


@pytest.fixture
def state(app: object) -> AppState:
    return app.state.chiron  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def db(state: AppState) -> Database:
    return state.db


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
def settings_obj(settings: Settings) -> Settings:
    """The same settings under a name hypothesis-driven tests can take."""
    return settings
