"""Which store failures are an outage (503 with Retry-After) and which a write refusal that
readiness must notice: the driver's own exceptions too, raw from the bulk statements."""

from __future__ import annotations

import sqlite3
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.exc import DBAPIError

from chiron.db import is_store_outage, store_cannot_write


def _wrapped(orig: BaseException) -> DBAPIError:
    """What SQLAlchemy raises around a driver error (its adapter in between, as __cause__)."""
    adapted = RuntimeError("adapted")
    adapted.__cause__ = orig
    return DBAPIError("SELECT 1", {}, adapted)  # type: ignore[arg-type]


OUTAGES: list[BaseException] = [
    asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    asyncpg.InterfaceError("connection is closed"),
    asyncpg.CannotConnectNowError("the database system is starting up"),
    asyncpg.AdminShutdownError("terminating connection due to administrator command"),
    # Left by a server that died under the connection's previous operation.
    asyncpg.exceptions._base.InternalClientError("another operation (2) is in progress"),
    asyncpg.TooManyConnectionsError("sorry, too many clients already"),
    asyncpg.exceptions.DiskFullError("could not extend file"),
    asyncpg.exceptions.ReadOnlySQLTransactionError("cannot execute INSERT in a read-only tx"),
    ConnectionResetError("reset by peer"),
    TimeoutError(),
]


@pytest.mark.parametrize("exc", OUTAGES, ids=lambda e: type(e).__name__)
def test_driver_failures_of_the_server_are_outages(exc: BaseException) -> None:
    assert is_store_outage(exc)
    assert is_store_outage(_wrapped(exc))


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.UniqueViolationError("duplicate key"),
        asyncpg.PostgresSyntaxError("syntax error"),
        asyncpg.NumericValueOutOfRangeError("value out of range"),
        ValueError("a bug"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_bad_statements_are_not_outages(exc: BaseException) -> None:
    assert not is_store_outage(exc)
    assert not is_store_outage(_wrapped(exc))


def test_write_refusals_are_told_apart() -> None:
    full = sqlite3.connect(":memory:")
    full.execute("CREATE TABLE t (x TEXT)")
    full.execute("PRAGMA max_page_count = 2")
    with pytest.raises(sqlite3.OperationalError) as caught:
        full.executemany("INSERT INTO t VALUES (?)", [("x" * 4000,)] * 100)
    assert is_store_outage(caught.value)
    assert store_cannot_write(caught.value)
    assert store_cannot_write(_wrapped(asyncpg.exceptions.DiskFullError("no space")))
    assert store_cannot_write(_wrapped(asyncpg.exceptions.ReadOnlySQLTransactionError("ro")))
    assert not store_cannot_write(_wrapped(asyncpg.CannotConnectNowError("starting up")))


@pytest.mark.parametrize("exc", OUTAGES[:4], ids=lambda e: type(e).__name__)
async def test_a_raw_driver_outage_is_a_503_with_retry_after(
    app: Any, auth_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch, exc: BaseException
) -> None:
    """The bulk statements run on the driver connection: its exceptions arrive unwrapped."""
    from chiron.telemetry import reads

    async def dies(*_: Any, **__: Any) -> None:
        raise exc

    monkeypatch.setattr(reads, "summary", dies)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/api/v1/dashboard/summary", headers=auth_headers)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "store_unavailable"
    assert response.headers["retry-after"]
    assert response.json()["error"]["request_id"] == response.headers["x-request-id"]
