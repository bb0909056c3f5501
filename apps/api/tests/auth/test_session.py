"""The browser session: JWT exchange at /auth/token, the cookie, refresh, logout, me."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from chiron.auth import tokens
from chiron.config import Settings
from chiron.state import AppState
from tests.auth.helpers import assertion, cookie, exchange, is_registered, mock_key
from tests.fixtures.auth import MakeToken


async def test_exchange_returns_a_service_token_and_sets_the_cookie(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    response = await exchange(client, await assertion(client))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_at", "scopes", "subject"}
    assert body["token_type"] == "bearer"
    # The development issuer signs people in as operators unless told otherwise.
    assert body["scopes"] == ["operate", "read"]
    assert body["subject"].startswith("user_")
    expires_at = datetime.fromisoformat(body["expires_at"])
    remaining = (expires_at - datetime.now(UTC)).total_seconds()
    assert settings.service_token_ttl_s - 5 <= remaining <= settings.service_token_ttl_s
    assert response.headers["cache-control"] == "no-store"

    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"chiron_session={body['access_token']};")
    attributes = [a.strip().lower() for a in set_cookie.split(";")[1:]]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/" in attributes
    assert "secure" not in attributes  # test env, cookie_secure unset


async def test_cookie_is_secure_when_configured(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    settings.cookie_secure = True
    response = await exchange(client, await assertion(client))
    attributes = [a.strip().lower() for a in response.headers["set-cookie"].split(";")]
    assert "secure" in attributes


async def test_dashboard_token_reads_by_bearer_and_by_cookie(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    token = (await exchange(client, await assertion(client))).json()["access_token"]
    by_bearer = await client.get("/_probe/read", headers={"Authorization": f"Bearer {token}"})
    assert by_bearer.status_code == 200
    response = await client.get("/_probe/read", headers=cookie(token))
    assert response.status_code == 200
    assert response.json()["kind"] == "service_token"
    # Dashboard users read; they cannot ingest or administer.
    forbidden = await client.post("/_probe/ingest", headers={"Authorization": f"Bearer {token}"})
    assert forbidden.status_code == 403
    assert is_registered(app, "GET", "/api/v1/dashboard/summary")
    summary = await client.get("/api/v1/dashboard/summary", headers=cookie(token))
    assert summary.status_code == 200, summary.text


async def test_cookie_is_not_accepted_for_writes(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    token, _ = tokens.issue(settings, "user_x", ["ingest", "read", "admin"])
    response = await client.post("/_probe/ingest", headers=cookie(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_request"
    assert (await client.put("/_probe/admin", headers=cookie(token))).status_code == 401


async def test_cookie_holding_an_api_key_is_refused(
    client: httpx.AsyncClient, make_token: MakeToken
) -> None:
    response = await client.get("/_probe/read", headers=cookie(await make_token(["read"])))
    assert response.status_code == 401


async def test_header_wins_over_cookie(client: httpx.AsyncClient, settings: Settings) -> None:
    token, _ = tokens.issue(settings, "user_x", ["read"])
    headers = {**cookie(token), "Authorization": "Bearer chiron_bad_key"}
    assert (await client.get("/_probe/read", headers=headers)).status_code == 401


async def test_me_describes_the_caller(client: httpx.AsyncClient, make_token: MakeToken) -> None:
    token = (await exchange(client, await assertion(client))).json()["access_token"]
    for headers in ({"Authorization": f"Bearer {token}"}, cookie(token)):
        response = await client.get("/auth/me", headers=headers)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"subject", "name", "scopes", "expires_at", "role", "station"}
        assert body["name"] == "Ada"
        assert body["scopes"] == ["operate", "read"]
        assert body["role"] == "org:operator"
        assert body["station"] is None
    key = await make_token(["ingest"], name="rover-7")
    body = (await client.get("/auth/me", headers={"Authorization": f"Bearer {key}"})).json()
    assert body["name"] == "rover-7"
    assert body["subject"].startswith("client:")
    client.cookies.clear()
    assert (await client.get("/auth/me")).status_code == 401


async def test_refresh_by_cookie_or_bearer(client: httpx.AsyncClient, settings: Settings) -> None:
    first = (await exchange(client, await assertion(client))).json()
    token = first["access_token"]
    for headers in (cookie(token), {"Authorization": f"Bearer {token}"}):
        response = await client.post("/auth/refresh", headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["subject"] == first["subject"]
        assert body["scopes"] == first["scopes"]
        assert body["expires_at"] >= first["expires_at"]
        assert response.headers["set-cookie"].startswith(f"chiron_session={body['access_token']};")
    client.cookies.clear()
    assert (await client.post("/auth/refresh")).status_code == 401


async def test_refresh_refuses_expired_old_and_api_key_credentials(
    client: httpx.AsyncClient, settings: Settings, make_token: MakeToken
) -> None:
    expired, _ = tokens.issue(settings, "user_x", ["read"], ttl=timedelta(seconds=-60))
    response = await client.post("/auth/refresh", headers=cookie(expired))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "expired_token"
    ancient = datetime.now(UTC) - timedelta(hours=13)
    old, _ = tokens.issue(settings, "user_x", ["read"], auth_time=ancient)
    assert (await client.post("/auth/refresh", headers=cookie(old))).status_code == 401
    key = await make_token(["read"])
    assert (
        await client.post("/auth/refresh", headers={"Authorization": f"Bearer {key}"})
    ).status_code == 401


async def test_logout_clears_the_cookie(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/logout")
    assert response.status_code == 204
    set_cookie = response.headers["set-cookie"].lower()
    assert set_cookie.startswith("chiron_session=")
    assert "max-age=0" in set_cookie
    assert "path=/" in set_cookie


async def test_dev_jwks_serves_the_mock_issuer_key(
    client: httpx.AsyncClient, state: AppState
) -> None:
    body = (await client.get("/auth/dev/jwks.json")).json()
    [key] = body["keys"]
    assert key["kty"] == "RSA"
    assert key["alg"] == "RS256"
    assert key["kid"] == (await mock_key(state)).kid
    assert not {"d", "p", "q"} & set(key)  # public parts only


async def test_dev_issuer_refuses_control_characters(client: httpx.AsyncClient) -> None:
    """A NUL (or any control character) in the email or name never reaches a JWT."""
    for body in (
        {"email": "ada\u0000@example.com"},
        {"email": "ada@example.com\u0000"},
        {"email": "ada@exa\u001fmple.com"},
        {"email": "ada@example.com", "name": "Ada\u0000Lovelace"},
    ):
        response = await client.post("/auth/dev/assertion", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "invalid_input"
    ok = await client.post("/auth/dev/assertion", json={"email": "ada@example.com", "name": "Ada"})
    assert ok.status_code == 200
