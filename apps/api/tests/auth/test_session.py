"""The browser session: JWT exchange at /auth/token, the cookie, refresh, logout, me."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from chiron.app import create_app
from chiron.auth import tokens
from chiron.auth.dev_issuer import dev_issuer
from chiron.config import Environment, Settings
from tests.auth.test_matrix import is_registered
from tests.fixtures.auth import MakeToken

EMAIL = "ada@example.com"


def cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"chiron_session={token}"}


async def assertion(client: httpx.AsyncClient, email: str = EMAIL, name: str = "Ada") -> str:
    response = await client.post("/auth/dev/assertion", json={"email": email, "name": name})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"assertion", "expires_at"}
    return str(body["assertion"])


async def exchange(client: httpx.AsyncClient, jwt_text: str) -> httpx.Response:
    return await client.post("/auth/token", json={"assertion": jwt_text})


def claims(settings: Settings, **overrides: Any) -> dict[str, Any]:
    issuer = dev_issuer(settings)
    now = int(time.time())
    base = {
        "iss": issuer.issuer,
        "sub": "user_forged",
        "aud": issuer.audience,
        "azp": issuer.audience,
        "iat": now,
        "nbf": now,
        "exp": now + 300,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def signed(settings: Settings, **overrides: Any) -> str:
    issuer = dev_issuer(settings)
    return jwt.encode(
        claims(settings, **overrides),
        issuer.private_key,
        algorithm="RS256",
        headers={"kid": issuer.kid},
    )


async def test_exchange_returns_a_service_token_and_sets_the_cookie(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    response = await exchange(client, await assertion(client))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_at", "scopes", "subject"}
    assert body["token_type"] == "bearer"
    assert body["scopes"] == ["read"]
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
    if is_registered(app, "GET", "/api/v1/dashboard/summary"):
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
        assert set(body) == {"subject", "name", "scopes", "expires_at"}
        assert body["name"] == "Ada"
        assert body["scopes"] == ["read"]
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
    client: httpx.AsyncClient, settings: Settings
) -> None:
    body = (await client.get("/auth/dev/jwks.json")).json()
    [key] = body["keys"]
    assert key["kty"] == "RSA"
    assert key["alg"] == "RS256"
    assert key["kid"] == dev_issuer(settings).kid
    assert not {"d", "p", "q"} & set(key)  # public parts only


def test_mock_issuer_key_is_the_same_on_every_replica(settings: Settings) -> None:
    a, b = dev_issuer(settings), dev_issuer(settings.model_copy())
    assert a.kid == b.kid
    assert a.private_key.private_numbers() == b.private_key.private_numbers()
    other = dev_issuer(settings.model_copy(update={"secret_key": "another-secret-" * 3}))
    assert other.kid != a.kid


# --- what /auth/token must refuse ------------------------------------------------------------


def _other_rsa_signed(settings: Settings) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(
        claims(settings), key, algorithm="RS256", headers={"kid": dev_issuer(settings).kid}
    )


def _alg_none(settings: Settings) -> str:
    return jwt.encode(claims(settings), None, algorithm="none")


def _hs256_with_service_secret(settings: Settings) -> str:
    return jwt.encode(
        claims(settings),
        settings.secret_key,
        algorithm="HS256",
        headers={"kid": dev_issuer(settings).kid},
    )


def _hs256_with_signing_key(settings: Settings) -> str:
    return jwt.encode(claims(settings), tokens.signing_key(settings.secret_key), algorithm="HS256")


def _ago(seconds: int) -> int:
    return int(time.time()) - seconds


REJECTED = {
    "wrong_signature": (_other_rsa_signed, "invalid_token"),
    "wrong_issuer": (lambda s: signed(s, iss="https://evil.example.com"), "invalid_token"),
    "expired": (lambda s: signed(s, iat=_ago(900), exp=_ago(600)), "expired_token"),
    "not_yet_valid": (lambda s: signed(s, nbf=int(time.time()) + 600), "invalid_token"),
    "wrong_audience": (lambda s: signed(s, aud="other", azp="other"), "invalid_token"),
    "no_subject": (lambda s: signed(s, sub=None), "invalid_token"),
    "no_expiry": (lambda s: signed(s, exp=None), "invalid_token"),
    "alg_none": (_alg_none, "invalid_token"),
    "hs256_service_secret": (_hs256_with_service_secret, "invalid_token"),
    "hs256_signing_key": (_hs256_with_signing_key, "invalid_token"),
    "service_token": (lambda s: tokens.issue(s, "user_x", ["read"])[0], "invalid_token"),
    "garbage": (lambda s: "not-a-jwt", "invalid_token"),
}


@pytest.mark.parametrize("case", list(REJECTED))
async def test_exchange_refuses(client: httpx.AsyncClient, settings: Settings, case: str) -> None:
    make, code = REJECTED[case]
    response = await exchange(client, make(settings))
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == code
    assert response.headers["www-authenticate"].startswith("Bearer ")
    assert "set-cookie" not in response.headers


async def test_exchange_accepts_small_clock_skew(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    response = await exchange(client, signed(settings, nbf=int(time.time()) + 3))
    assert response.status_code == 200


# --- production: no mock issuer; a configured issuer is config only ---------------------------


@pytest.fixture
async def production_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    prod = settings.model_copy(update={"env": Environment.production})
    application = create_app(prod)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def test_mock_issuer_is_absent_in_production(
    production_client: httpx.AsyncClient, settings: Settings
) -> None:
    assert (await production_client.get("/auth/dev/jwks.json")).status_code == 404
    response = await production_client.post("/auth/dev/assertion", json={"email": EMAIL})
    assert response.status_code == 404
    # Nor is a mock-signed assertion trusted there.
    refused = await exchange(production_client, signed(settings))
    assert refused.status_code == 503
    assert refused.json()["error"]["code"] == "identity_provider_unavailable"


async def test_configured_issuer_is_used_via_its_jwks(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Switching to Clerk: set issuer, JWKS URL and audience; no mock involved."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwk.update(kid="clerk-1", use="sig", alg="RS256")
    fetched: list[str] = []

    def fetch_data(self: jwt.PyJWKClient) -> dict[str, Any]:
        fetched.append(self.uri)
        return {"keys": [jwk]}

    monkeypatch.setattr(jwt.PyJWKClient, "fetch_data", fetch_data)
    clerk = settings.model_copy(
        update={
            "env": Environment.production,
            "auth_issuer": "https://clerk.example.com",
            "auth_jwks_url": "https://clerk.example.com/.well-known/jwks.json",
            "auth_audience": "https://app.example.com",
        }
    )
    application = create_app(clerk)
    now = int(time.time())
    good = {
        "iss": "https://clerk.example.com",
        "sub": "user_2abc",
        "azp": "https://app.example.com",
        "iat": now,
        "nbf": now,
        "exp": now + 60,
        "sid": "sess_1",
    }
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            ok = await exchange(http, jwt.encode(good, key, "RS256", headers={"kid": "clerk-1"}))
            assert ok.status_code == 200, ok.text
            assert ok.json()["subject"] == "user_2abc"
            assert "secure" in ok.headers["set-cookie"].lower()
            wrong_azp = {**good, "azp": "https://evil.example.com"}
            forged = jwt.encode(wrong_azp, key, "RS256", headers={"kid": "clerk-1"})
            assert (await exchange(http, forged)).status_code == 401
            mock = await http.post("/auth/dev/assertion", json={"email": EMAIL})
            assert mock.status_code == 404
    assert fetched == ["https://clerk.example.com/.well-known/jwks.json"]
