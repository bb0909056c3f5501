"""What /auth/token trusts: the mock issuer in development, the configured JWKS otherwise."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chiron.app import create_app
from chiron.auth import tokens
from chiron.config import Environment, Settings
from chiron.state import AppState
from tests.auth.helpers import EMAIL, MockKey, claims, exchange, mock_key, signed

# --- what /auth/token must refuse ------------------------------------------------------------


def _other_rsa_signed(mock: MockKey) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims(mock), key, algorithm="RS256", headers={"kid": mock.kid})


def _alg_none(mock: MockKey) -> str:
    return jwt.encode(claims(mock), None, algorithm="none")


def _hs256_with_service_secret(mock: MockKey) -> str:
    return jwt.encode(
        claims(mock), mock.settings.secret_key, algorithm="HS256", headers={"kid": mock.kid}
    )


def _hs256_with_signing_key(mock: MockKey) -> str:
    key = tokens.signing_key(mock.settings.secret_key)
    return jwt.encode(claims(mock), key, algorithm="HS256")


def _ago(seconds: int) -> int:
    return int(time.time()) - seconds


REJECTED = {
    "wrong_signature": (_other_rsa_signed, "invalid_token"),
    "wrong_issuer": (lambda m: signed(m, iss="https://evil.example.com"), "invalid_token"),
    "expired": (lambda m: signed(m, iat=_ago(900), exp=_ago(600)), "expired_token"),
    "not_yet_valid": (lambda m: signed(m, nbf=int(time.time()) + 600), "invalid_token"),
    "wrong_audience": (lambda m: signed(m, aud="other", azp="other"), "invalid_token"),
    "no_subject": (lambda m: signed(m, sub=None), "invalid_token"),
    "no_expiry": (lambda m: signed(m, exp=None), "invalid_token"),
    "alg_none": (_alg_none, "invalid_token"),
    "hs256_service_secret": (_hs256_with_service_secret, "invalid_token"),
    "hs256_signing_key": (_hs256_with_signing_key, "invalid_token"),
    "service_token": (lambda m: tokens.issue(m.settings, "user_x", ["read"])[0], "invalid_token"),
    "garbage": (lambda m: "not-a-jwt", "invalid_token"),
}


@pytest.fixture
async def mock(state: AppState) -> MockKey:
    return await mock_key(state)


@pytest.mark.parametrize("case", list(REJECTED))
async def test_exchange_refuses(client: httpx.AsyncClient, mock: MockKey, case: str) -> None:
    make, code = REJECTED[case]
    response = await exchange(client, make(mock))
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == code
    assert response.headers["www-authenticate"].startswith("Bearer ")
    assert "set-cookie" not in response.headers


async def test_exchange_accepts_small_clock_skew(client: httpx.AsyncClient, mock: MockKey) -> None:
    response = await exchange(client, signed(mock, nbf=int(time.time()) + 3))
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
    production_client: httpx.AsyncClient, mock: MockKey
) -> None:
    assert (await production_client.get("/auth/dev/jwks.json")).status_code == 404
    response = await production_client.post("/auth/dev/assertion", json={"email": EMAIL})
    assert response.status_code == 404
    # Nor is a mock-signed assertion trusted there.
    refused = await exchange(production_client, signed(mock))
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
