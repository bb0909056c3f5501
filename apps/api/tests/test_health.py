from __future__ import annotations

from typing import Any

import httpx

from chiron.state import AppState


async def test_liveness(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readiness_checks_store_and_bus(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"store": "ok", "bus": "ok"}


async def test_readiness_names_the_failing_store(
    client: httpx.AsyncClient, state: AppState
) -> None:
    await state.db.dispose()

    async def broken() -> None:
        raise ConnectionRefusedError("store down")

    state.db.ping = broken  # type: ignore[method-assign]
    response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["store"].startswith("down")
    assert body["checks"]["bus"] == "ok"
    assert "store" in body["error"]["message"]
    assert response.headers["retry-after"]


async def test_unknown_route_has_the_error_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/nope")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["request_id"] == response.headers["x-request-id"]


async def test_request_id_round_trips(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "req-123"})
    assert response.headers["x-request-id"] == "req-123"


async def test_bad_request_id_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert response.headers["x-request-id"] != "bad id with spaces"
    assert len(response.headers["x-request-id"]) == 32


async def test_openapi_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Chiron API"
    docs = await client.get("/docs")
    assert docs.status_code == 200


async def test_openapi_attrs_say_which_keys_are_refused(client: httpx.AsyncClient) -> None:
    """A fuzzer (or a client generator) reads the document: a key the API refuses must be
    outside the schema, not left open by `patternProperties`."""
    document = (await client.get("/openapi.json")).text
    assert "patternProperties" not in document
    sample_in = (await client.get("/openapi.json")).json()["components"]["schemas"]["SampleIn"]
    (attrs,) = [s for s in sample_in["properties"]["attrs"]["anyOf"] if s.get("type") == "object"]
    assert attrs["propertyNames"] == {
        "minLength": 1,
        "maxLength": 64,
        "pattern": "^[^\\x00-\\x1f]+$",
    }
    assert {s["type"] for s in attrs["additionalProperties"]["anyOf"]} == {
        "string",
        "integer",
        "number",
        "boolean",
    }


async def test_body_over_the_limit_is_413_before_parsing(
    client: httpx.AsyncClient, state: AppState
) -> None:
    big = b"x" * (state.settings.max_body_bytes + 1)
    response = await client.post(
        "/api/v1/dashboard/samples", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_undecodable_bodies_are_422_on_every_route_with_a_body(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    json = {"content-type": "application/json"}
    for method, path in (("POST", "/auth/token"), ("PUT", "/api/v1/gates/g1")):
        for body in (b"\xff\xfe", b'{"title": "\xff"}'):
            response = await client.request(
                method, path, content=body, headers={**auth_headers, **json}
            )
            assert response.status_code == 422, (path, body, response.text)
            assert response.json()["error"]["code"] == "invalid_input"


async def test_dropped_store_connections_cost_at_most_one_503(
    client: httpx.AsyncClient, auth_headers: dict[str, str], state: AppState
) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    # Warm the pool, then have the store drop every connection it holds for us (what a
    # PostgreSQL restart or failover does). SQLite has no server: the same requests pass.
    for _ in range(3):
        assert (await client.get("/api/v1/gates", headers=auth_headers)).status_code == 200
    if not state.db.is_sqlite:
        # From a connection of its own: the pool would hand back the one to be killed.
        outside = create_async_engine(state.settings.database_url, poolclass=NullPool)
        async with outside.connect() as conn:
            killed = await conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        await outside.dispose()
        assert killed >= 1
    statuses = [
        (await client.get("/api/v1/gates", headers=auth_headers)).status_code for _ in range(4)
    ]
    assert statuses.count(503) <= 1, statuses
    assert statuses[-2:] == [200, 200], statuses
    assert set(statuses) <= {200, 503}, statuses


async def test_store_outage_is_503_with_retry_after_and_never_500(
    client: httpx.AsyncClient, state: AppState
) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    from chiron.auth import tokens
    from chiron.db import Database

    # A service token needs no store; the store itself is unreachable (closed port).
    token, _ = tokens.issue(state.settings, "user_outage", ["ingest", "read", "admin"])
    await state.db.dispose()
    state.db = Database(
        create_async_engine(
            "postgresql+asyncpg://nobody@127.0.0.1:1/none", connect_args={"timeout": 2}
        ),
        is_sqlite=False,
    )
    headers = {"Authorization": f"Bearer {token}"}
    for method, path, body in (
        (
            "POST",
            "/api/v1/dashboard/samples",
            {"samples": [{"source": "a", "metric": "m", "value": 1.0}]},
        ),
        ("GET", "/api/v1/dashboard/summary", None),
        ("GET", "/api/v1/dashboard/series?source=a&metric=m", None),
        ("GET", "/api/v1/dashboard/timeline", None),
        ("GET", "/api/v1/gates", None),
    ):
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == 503, (path, response.text)
        assert response.json()["error"]["code"] == "store_unavailable"
        assert response.headers["retry-after"]


async def test_readiness_notices_a_store_that_cannot_write(
    client: httpx.AsyncClient, auth_headers: dict[str, str], state: AppState
) -> None:
    """Reads work, every write is refused (a full disk on SQLite, a read-only server on
    PostgreSQL, as after a failover to a standby): writes are 503 with Retry-After, and
    /readyz says the store cannot write instead of answering 200 (issue 17)."""
    from sqlalchemy import event, text

    from tests.fixtures.factories import INGEST, sample

    engine = state.db.engine
    if state.db.is_sqlite:

        def full(dbapi_connection: Any, _: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA max_page_count = 1")  # clamps to the pages in use: full
            cursor.close()

        # Free pages left by earlier tests' deleted rows would take the batch: none left.
        await engine.dispose()
        async with engine.connect() as conn:
            await conn.exec_driver_sql("VACUUM")
        event.listen(engine.sync_engine, "connect", full)
    else:
        async with engine.connect() as conn:
            name = await conn.scalar(text("SELECT current_database()"))
            await conn.execute(
                text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
            )
            await conn.commit()
    await engine.dispose()  # new connections get the setting
    try:
        assert (await client.get("/readyz")).status_code == 200  # nothing refused yet
        batch = {"samples": [sample(float(i), attrs={"pad": "x" * 200}) for i in range(2000)]}
        refused = await client.post(INGEST, json=batch, headers=auth_headers)
        assert refused.status_code == 503, refused.text
        assert refused.json()["error"]["code"] == "store_unavailable"
        assert refused.headers["retry-after"]
        assert (await client.get("/api/v1/gates", headers=auth_headers)).status_code == 200
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["store"].startswith("down: cannot write")
    finally:
        if state.db.is_sqlite:
            event.remove(engine.sync_engine, "connect", full)
        else:
            autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
            async with autocommit.connect() as conn:
                await conn.execute(text("SET default_transaction_read_only = off"))
                await conn.execute(
                    text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
                )
        await engine.dispose()
        state.store_writes.failed_at = None
