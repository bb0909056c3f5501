"""Shared helpers for the auth tests: mock-issuer assertions, the exchange, route lookup."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from fastapi import FastAPI
from starlette.routing import Match

from chiron.config import Settings
from chiron.dev.issuer import DevIssuer, key_id
from chiron.state import AppState

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


@dataclass(frozen=True)
class MockKey:
    """The app's mock issuer key, to forge assertions with: the store's RSA key."""

    settings: Settings
    issuer: str
    audience: str
    kid: str
    private_key: RSAPrivateKey


async def mock_key(state: AppState) -> MockKey:
    issuer = state.local_issuer
    assert isinstance(issuer, DevIssuer)
    private = await issuer.private_key()
    return MockKey(
        state.settings, issuer.issuer, issuer.audience, key_id(private.public_key()), private
    )


def claims(issuer: MockKey, **overrides: Any) -> dict[str, Any]:
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


def signed(issuer: MockKey, **overrides: Any) -> str:
    return jwt.encode(
        claims(issuer, **overrides),
        issuer.private_key,
        algorithm="RS256",
        headers={"kid": issuer.kid},
    )


def is_registered(app: FastAPI, method: str, path: str) -> bool:
    """Whether some module has registered this route yet."""
    scope = {
        "type": "http",
        "method": method,
        "path": path.split("?", 1)[0],
        "root_path": "",
        "headers": [],
        "query_string": b"",
    }
    return any(route.matches(scope)[0] is Match.FULL for route in app.router.routes)
