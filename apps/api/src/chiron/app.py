"""create_app(): the lifespan builds the store, the bus and the hub; middleware; handlers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from types import ModuleType

import structlog
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from chiron import __version__
from chiron.config import Environment, Settings, get_settings
from chiron.db import Database
from chiron.error_handlers import install_error_handlers
from chiron.health import router as health_router
from chiron.kit.tasks import stop_tasks
from chiron.middleware import RequestBodyMiddleware, RequestIdMiddleware
from chiron.notify.dispatcher import Dispatcher
from chiron.notify.outbox import Notifier, prune, resend_active
from chiron.observability.http import instrument_app
from chiron.observability.instrument import observe_resources
from chiron.observability.logging import configure_logging
from chiron.observability.otel import setup_telemetry
from chiron.openapi import install as install_openapi
from chiron.polls.jobs import run_closer
from chiron.state import AppState
from chiron.stream.factory import build_bus
from chiron.stream.hub import Hub
from chiron.stream.workers import start_workers
from chiron.strict_query import reject_unknown_query
from chiron.telemetry.housekeeping import housekeeper
from chiron.telemetry.retention import run_pruner
from chiron.telemetry.staleness import run_sweeper
from chiron.uow import run_periodically

log = structlog.get_logger("chiron.app")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)
    setup_telemetry(settings)
    dev = _dev_tools(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database.from_settings(settings)
        bus = build_bus(settings)
        hub = Hub(
            bus,
            settings.stream_queue_size,
            max_bytes=settings.stream_client_max_bytes,
            heartbeat_s=settings.heartbeat_s,
            # Fewer full GC pauses with many long-lived streams; tests keep the default.
            tune_gc=settings.env is not Environment.test,
        )
        observe_resources(db.engine, hub)
        state = app.state.chiron = AppState(settings=settings, db=db, bus=bus, hub=hub)
        if dev is not None:
            await dev.start(state)
        await hub.start()
        workers = await start_workers(bus, {"samples": housekeeper(db, settings)})
        sweeper = (
            asyncio.create_task(run_sweeper(db, bus, settings.stale_sweep_s))
            if settings.stale_sweep_s > 0
            else None
        )
        # Polls past their `closes_at` close on the same beat (exactly once across replicas).
        closer = (
            asyncio.create_task(run_closer(db, bus, settings.stale_sweep_s))
            if settings.stale_sweep_s > 0
            else None
        )
        # Notifications: the outbox is written by a commit hook, in each unit's transaction.
        notifier = state.extras["notify.notifier"] = Notifier(settings)
        db.commit_hooks.append(notifier.on_commit)
        dispatcher = Dispatcher(db, settings, notifier) if settings.notify_poll_s > 0 else None
        if dispatcher is not None:
            state.extras["notify.dispatcher"] = dispatcher
            dispatcher.start()
        # Active alarms re-posted to Alertmanager (when set) and the delivery log pruned.
        resender = (
            asyncio.create_task(
                run_periodically(
                    db,
                    bus,
                    settings.alertmanager_resend_s,
                    [partial(resend_active, settings=settings), partial(prune, settings=settings)],
                    failed="notify_job_failed",
                )
            )
            if settings.notify_poll_s > 0
            else None
        )
        # Retention: each replica tries every CHIRON_PRUNE_INTERVAL_S; on PostgreSQL one at a
        # time (advisory lock). It also creates the partitions ahead, so it starts at once.
        pruner = (
            asyncio.create_task(run_pruner(db, bus, settings))
            if settings.prune_interval_s > 0
            else None
        )
        mqtt = None
        if settings.mqtt_url:
            from chiron.telemetry.protocols.mqtt import MqttIngest

            mqtt = state.extras["mqtt"] = MqttIngest(db, bus, settings)
            await mqtt.start()
        log.info("startup", env=settings.env.value, store=db.engine.dialect.name, bus=bus.name)
        try:
            yield
        finally:
            if mqtt is not None:  # first: no message may arrive once the store is going
                await mqtt.stop()
            if sweeper is not None:
                await stop_tasks([sweeper])
            if closer is not None:
                await stop_tasks([closer])
            if resender is not None:
                await stop_tasks([resender])
            if dispatcher is not None:
                await dispatcher.stop()
            if pruner is not None:
                await stop_tasks([pruner])
            await workers.stop()
            await hub.stop()
            await bus.close()
            await db.dispose()
            log.info("shutdown")

    app = FastAPI(
        title="Chiron API",
        version=__version__,
        summary="Telemetry ingest, gates, timeline and a live stream for the Chiron dashboard.",
        lifespan=lifespan,
        # Served by chiron.openapi from local files; ReDoc is not offered (it needs a CDN).
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=lambda route: route.operation_id or route.name,
        # Unknown query parameters are a 422 on every endpoint (chiron.strict_query).
        dependencies=[Depends(reject_unknown_query)],
    )
    install_error_handlers(app)
    app.add_middleware(
        RequestBodyMiddleware,
        max_bytes=settings.max_body_bytes,
        read_timeout_s=settings.body_read_timeout_s,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Idempotency-Key",
                "Last-Event-ID",
                "X-Request-ID",
            ],
            expose_headers=["X-Request-ID"],
        )
    app.add_middleware(RequestIdMiddleware)
    instrument_app(app)  # outermost: request ids, errors and handlers run inside its span
    _include_routers(app)
    if dev is not None:
        dev.install(app)
    install_openapi(app)
    return app


def _dev_tools(settings: Settings) -> ModuleType | None:
    """chiron.dev's hooks outside production, when this installation has them (a checkout;
    the production image does not), else None: no mock sign-in, no seed on start."""
    if settings.env is Environment.production:
        return None
    try:
        from chiron.dev import hooks
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("chiron.dev"):
            raise
        log.warning(
            "development tools (chiron.dev) are not installed: no mock sign-in, no seed",
            env=settings.env.value,
        )
        return None
    return hooks


def _include_routers(app: FastAPI) -> None:
    from chiron.auth.endpoints import router as auth_router
    from chiron.gates.endpoints import alarms_router
    from chiron.gates.endpoints import router as gates_router
    from chiron.live.endpoints import router as stream_router
    from chiron.log.endpoints import router as log_router
    from chiron.notify.endpoints import router as webhooks_router
    from chiron.polls.endpoints import router as polls_router
    from chiron.telemetry.endpoints import router as telemetry_router
    from chiron.telemetry.protocols.endpoints import routers as protocol_routers
    from chiron.timeline.endpoints import router as timeline_router

    app.include_router(health_router)
    app.include_router(auth_router)
    app.include_router(telemetry_router)
    app.include_router(gates_router)
    app.include_router(alarms_router)
    app.include_router(timeline_router)
    app.include_router(log_router)
    app.include_router(polls_router)
    app.include_router(webhooks_router)
    app.include_router(stream_router)
    for protocol_router in protocol_routers:
        app.include_router(protocol_router)
