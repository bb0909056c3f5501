"""`chiron clients create|list|revoke`: API keys, managed against CHIRON_DATABASE_URL.

The store, the services and rich load inside the commands, so `chiron --help` stays quick.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from chiron.kit.cli import group

if TYPE_CHECKING:
    from chiron.config import Settings
    from chiron.uow import UnitOfWork

clients_app = group("Create, list and revoke API keys.")

T = TypeVar("T")
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class ScopeChoice(StrEnum):
    ingest = "ingest"
    read = "read"
    operate = "operate"
    direct = "direct"
    admin = "admin"


def parse_duration(text: str) -> timedelta:
    """`90s`, `15m`, `12h`, `30d`."""
    match = _DURATION.match(text)
    if match is None or int(match.group(1)) == 0:
        raise typer.BadParameter(
            "use a positive number with a unit: s, m, h or d (e.g. 30d)", param_hint="--expires-in"
        )
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _run(work: Callable[[UnitOfWork, Settings], Awaitable[T]]) -> T:
    """Run `work` in one unit of work (no bus: no stream listens to the CLI)."""
    import asyncio

    from chiron.cli import ensure_embedded_store, settings_or_exit
    from chiron.db import Database
    from chiron.errors import AppError
    from chiron.uow import UnitOfWork

    settings = settings_or_exit()
    ensure_embedded_store(settings)

    async def run() -> T:
        db = Database.from_settings(settings)
        try:
            async with UnitOfWork(db, None) as uow:
                return await work(uow, settings)
        finally:
            await db.dispose()

    try:
        return asyncio.run(run())
    except AppError as exc:
        typer.secho(f"error: {exc.message}", fg="red", err=True)
        raise typer.Exit(1) from None


def _bound(sources: list[str] | None) -> str:
    return "any" if sources is None else " ".join(sources)


def _when(value: datetime | None) -> str:
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%MZ")


@clients_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Who will hold the key, e.g. rover-7")],
    scope: Annotated[
        list[ScopeChoice],
        typer.Option(
            "--scope", "-s", help="Repeat for several: ingest, read, operate, direct, admin"
        ),
    ],
    expires_in: Annotated[
        str | None, typer.Option("--expires-in", help="Lifetime, e.g. 90s, 15m, 12h, 30d")
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            help="Bind the key to sources (repeat; shell-style patterns such as 'relay-*'): "
            "it may then write samples and timeline events for matching sources only",
        ),
    ] = None,
) -> None:
    """Create an API client and print its key, once."""
    from chiron.auth import service

    lifetime = parse_duration(expires_in) if expires_in else None

    async def work(uow: UnitOfWork, settings: Settings) -> tuple[str, str, str, str, str]:
        client, token = await service.create_api_client(
            uow, settings, name, [s.value for s in scope], lifetime, sources=source or None
        )
        return (
            client.key_id,
            ",".join(client.scopes),
            _when(client.expires_at),
            _bound(client.sources),
            token,
        )

    key_id, scopes, expires, sources, token = _run(work)
    typer.echo(
        f"Created API client {name!r}: key id {key_id}, scopes {scopes}, sources {sources}, "
        f"expires {expires}"
    )
    typer.echo("")
    typer.echo(token)
    typer.echo("")
    typer.secho(
        "Store this key now: it will not be shown again (only its hash is kept).",
        fg="yellow",
        err=True,
    )


@clients_app.command("list")
def list_clients() -> None:
    """List API clients (never their secrets)."""
    from rich.console import Console
    from rich.table import Table

    from chiron.auth import service
    from chiron.kit.time import utcnow

    async def work(uow: UnitOfWork, _: Settings) -> list[tuple[str, ...]]:
        now = utcnow()
        rows: list[tuple[str, ...]] = []
        for c in await service.list_api_clients(await uow.begin()):
            expired = c.expires_at is not None and c.expires_at <= now
            rows.append(
                (
                    c.key_id,
                    c.name,
                    ",".join(c.scopes),
                    _bound(c.sources),
                    _when(c.created_at),
                    _when(c.last_used_at),
                    _when(c.expires_at) + (" (expired)" if expired else ""),
                    _when(c.revoked_at),
                )
            )
        return rows

    rows = _run(work)
    table = Table(title="API clients")
    columns = ("key id", "name", "scopes", "sources", "created", "last used", "expires", "revoked")
    for column in columns:
        table.add_column(column, no_wrap=column in ("key id", "scopes"))
    for row in rows:
        table.add_row(*row)
    console = Console()
    if not console.is_terminal:  # piped or captured: no terminal to fit, keep every cell whole
        console = Console(width=200)
    console.print(table if rows else "No API clients yet: chiron clients create NAME --scope …")


@clients_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key id shown by `clients list`")],
) -> None:
    """Revoke an API key; every replica refuses it within seconds."""
    from chiron.auth import service

    async def work(uow: UnitOfWork, _: Settings) -> datetime | None:
        client = await service.revoke_api_client(uow, key_id)
        return client.revoked_at

    revoked_at = _run(work)
    typer.echo(f"Revoked {key_id} at {_when(revoked_at)}")
