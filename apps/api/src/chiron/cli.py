"""The `chiron` command: serve, database, clients and the device simulator."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from alembic.config import Config

from chiron.config import ConfigError, Settings, get_settings

app = typer.Typer(help="Chiron: a self-hosted telemetry command surface.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations and seed data.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _register_subcommands() -> None:
    from chiron.auth.cli import clients_app
    from chiron.telemetry.simulate import simulate

    app.add_typer(clients_app, name="clients")
    app.command()(simulate)


MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _settings_or_exit() -> Settings:
    try:
        return get_settings()
    except ConfigError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None


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

    settings = _settings_or_exit()
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


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Apply migrations (Alembic) up to REVISION."""
    settings = _settings_or_exit()
    _upgrade(settings.database_url, revision)
    typer.echo("Database is at " + revision)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "-1") -> None:
    """Roll migrations back to REVISION (`base` removes every table)."""
    from alembic import command

    settings = _settings_or_exit()
    typer.echo(f"Downgrading {_redact(settings.database_url)} to {revision} ...")
    command.downgrade(alembic_config(settings.database_url), revision)


@db_app.command("seed")
def db_seed(
    force: Annotated[bool, typer.Option(help="Seed even when the store has data")] = False,
) -> None:
    """Load demo gates, a day of samples and timeline events."""
    from chiron.db import Database
    from chiron.seed import seed

    settings = _settings_or_exit()

    async def run() -> str:
        db = Database.from_settings(settings)
        try:
            return await seed(db, force=force, settings=settings, progress=typer.echo)
        finally:
            await db.dispose()

    typer.echo(asyncio.run(run()))


_register_subcommands()


def main() -> None:
    app()
