"""`Annotated` dependency aliases that read like prose in endpoint signatures.

Dependencies are `async def` even when they do not await: FastAPI runs a plain `def`
dependency in its threadpool, a thread hop per request for a getattr.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Literal

from fastapi import Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from chiron.config import Settings
from chiron.db import Database
from chiron.state import AppState
from chiron.stream.bus import Bus
from chiron.uow import UnitOfWork


async def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.chiron
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_settings_dep(state: StateDep) -> Settings:
    return state.settings


async def get_database(state: StateDep) -> Database:
    return state.db


async def get_bus(state: StateDep) -> Bus:
    return state.bus


async def get_unit_of_work(state: StateDep) -> AsyncIterator[UnitOfWork]:
    """The request owns the unit of work: commit (then publish its outbox) when the endpoint
    returns, roll back if it raises. An endpoint may commit itself to learn the stream
    position it published at.

    Scoped to the endpoint function so the commit happens before the response is sent; a
    failed commit is an error answer, never a 2xx for data that was not stored.
    """
    async with UnitOfWork(state.db, state.bus) as uow:
        yield uow


async def get_read_session(
    db: Annotated[Database, Depends(get_database)],
) -> AsyncIterator[AsyncSession]:
    """Statements that each see the latest committed data, without a transaction around
    them: for reads current to a stream position (anything later is replayed by the
    stream), where one snapshot across statements buys nothing."""
    async with db.readers() as session:
        yield session


ExportFormat = Literal["json", "csv"]


async def get_export_format(
    request: Request,
    format: Annotated[
        ExportFormat | None,
        Query(description="`csv` for a CSV export (or send `Accept: text/csv`)"),
    ] = None,
) -> ExportFormat:
    """CSV when asked for by `format=csv`, or by an Accept header that names text/csv and
    not JSON; otherwise JSON."""
    if format is not None:
        return format
    accept = request.headers.get("accept", "").lower()
    return "csv" if "text/csv" in accept and "application/json" not in accept else "json"


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
DatabaseDep = Annotated[Database, Depends(get_database)]
BusDep = Annotated[Bus, Depends(get_bus)]
UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_unit_of_work, scope="function")]
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session, scope="function")]
ExportFormatDep = Annotated[ExportFormat, Depends(get_export_format)]
