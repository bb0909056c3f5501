"""The `chiron` command: serve, database, clients and the device simulator.

Imports stay inside the commands: `chiron --help` or a mistyped option answers in a fraction
of the ~2 s that loading the web framework, SQLAlchemy and Alembic costs. The development
tools (`db seed`, `simulate`) live in chiron.dev, absent from the production image: there
those commands say so in one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chiron.auth.cli import clients_app
from chiron.kit.cli import fail, group

if TYPE_CHECKING:
    from alembic.config import Config

    from chiron.config import Settings

app = group("Chiron: a self-hosted telemetry command surface.")
db_app = group("Database migrations and seed data.")
app.add_typer(db_app, name="db")
app.add_typer(clients_app, name="clients")

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def settings_or_exit() -> Settings:
    from chiron.config import ConfigError, get_settings

    try:
        return get_settings()
    except ConfigError as exc:
        fail(str(exc))


def _require_dev(command: str) -> None:
    import importlib.util

    if importlib.util.find_spec("chiron.dev") is None:
        fail(
            f"`{command}` needs the development tools (chiron.dev), which this installation "
            "does not have (the production image leaves them out): run it from a checkout",
            code=1,
        )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development)")] = False,
) -> None:
    """Run the API server."""
    import uvicorn

    from chiron.http_protocol import protocol_for

    settings = settings_or_exit()
    if settings.is_sqlite:
        # The embedded store is created on first run so one command is enough.
        _upgrade(settings.database_url, quiet=True)
    uvicorn.run(
        "chiron.asgi:app",
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_config=None,
        http=protocol_for(),  # uvicorn's own 400s in the JSON error shape
        proxy_headers=True,
        timeout_graceful_shutdown=5,
    )


def alembic_config(database_url: str | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def _upgrade(database_url: str, revision: str = "head", *, quiet: bool = False) -> None:
    from alembic import command

    if not quiet:
        typer.echo(f"Upgrading {_redact(database_url)} to {revision} ...")
    command.upgrade(alembic_config(database_url), revision)


def ensure_embedded_store(settings: Settings) -> None:
    """Like `chiron serve`: the embedded SQLite store is created on first use."""
    if settings.is_sqlite:
        _upgrade(settings.database_url, quiet=True)


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Apply migrations (Alembic) up to REVISION."""
    settings = settings_or_exit()
    _upgrade(settings.database_url, revision)
    typer.echo("Database is at " + revision)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "-1") -> None:
    """Roll migrations back to REVISION (`base` removes every table)."""
    from alembic import command

    settings = settings_or_exit()
    typer.echo(f"Downgrading {_redact(settings.database_url)} to {revision} ...")
    command.downgrade(alembic_config(settings.database_url), revision)


@db_app.command("prune")
def db_prune(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be removed; change nothing")
    ] = False,
) -> None:
    """Remove samples and rollups past their retention (CHIRON_RETENTION_*), in bounded
    batches; on PostgreSQL also create the partitions ahead. The latest value of every
    series is kept whatever the retention."""
    import asyncio
    import time

    from chiron.config import format_duration
    from chiron.db import Database
    from chiron.telemetry.retention import prune
    from chiron.telemetry.stores import Removal

    settings = settings_or_exit()
    ensure_embedded_store(settings)
    kept = ", ".join(f"{tier} {format_duration(v)}" for tier, v in settings.retention.items())
    typer.echo(f"Retention: {kept}{' (dry run: nothing is changed)' if dry_run else ''}")
    last = time.monotonic()

    def progress(removal: Removal) -> None:
        nonlocal last
        if dry_run or time.monotonic() - last < 1.0:
            return
        last = time.monotonic()
        typer.echo(
            f"  {removal.tier.name}: {removal.rows:,} rows so far ({removal.batches} batches)"
        )

    async def run() -> None:
        db = Database.from_settings(settings)
        try:
            started = time.perf_counter()
            result = await prune(db, settings, dry_run=dry_run, progress=progress)
            elapsed = time.perf_counter() - started
        finally:
            await db.dispose()
        if result.skipped:
            typer.echo(f"Skipped: {result.skipped}")
            return
        for name in result.created:
            typer.echo(f"Created partition {name}")
        verb = "would remove" if dry_run else "removed"
        for removal in result.removals:
            tier = removal.tier
            what = f"{removal.rows:,} rows"
            if removal.partitions:
                what += f" ({len(removal.partitions)} partitions: {', '.join(removal.partitions)})"
            typer.echo(
                f"{tier.table} [{tier.name}] before {tier.cutoff.isoformat()}: {verb} {what}"
                + ("" if dry_run else f" in {removal.batches} batches")
            )
        if not result.removals:
            typer.echo("Every tier is kept forever: nothing to prune")
        typer.echo(f"Total: {verb} {result.rows:,} rows in {elapsed:.2f} s")

    asyncio.run(run())


@db_app.command("seed")
def db_seed(
    force: Annotated[bool, typer.Option(help="Seed even when the store has data")] = False,
) -> None:
    """Load demo gates, a day of samples and timeline events (development tools)."""
    _require_dev("chiron db seed")
    import asyncio

    from chiron.db import Database
    from chiron.dev.seed import seed

    settings = settings_or_exit()

    async def run() -> str:
        db = Database.from_settings(settings)
        try:
            return await seed(db, force=force, settings=settings, progress=typer.echo)
        finally:
            await db.dispose()

    typer.echo(asyncio.run(run()))


@app.command()
def simulate(
    url: Annotated[str, typer.Option(help="Chiron API base URL")] = "http://127.0.0.1:8000",
    token: Annotated[
        str, typer.Option(help="An API key with the ingest scope", envvar="CHIRON_TOKEN")
    ] = "",
    sources: Annotated[int, typer.Option(min=1, max=500, help="Number of devices")] = 5,
    rate: Annotated[
        float, typer.Option(min=0.05, max=50, help="Reports per second per device")
    ] = 1.0,
    duration: Annotated[
        float | None, typer.Option(min=1, help="Seconds to run (default: until Ctrl-C)")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Random seed for repeatable noise, spikes and dropouts")
    ] = None,
    mqtt: Annotated[
        str | None,
        typer.Option(
            help="Publish over MQTT to this broker (mqtt://host:1883) instead of HTTP; "
            "the API must subscribe to it (CHIRON_MQTT_URL)",
            metavar="URL",
        ),
    ] = None,
) -> None:
    """Run a simulated device fleet against a Chiron API (development tools)."""
    _require_dev("chiron simulate")
    if not token and not mqtt:
        fail(
            "pass --token (or set CHIRON_TOKEN) with an API key that has the "
            "ingest scope; create one with `chiron clients create NAME --scope ingest`"
        )
    from chiron.dev.simulate import simulate as run

    code = run(url, token, sources, rate, duration, seed, mqtt)
    if code:
        raise typer.Exit(code)


def main() -> None:
    app()
