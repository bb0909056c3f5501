"""Shared helpers for the auth tests: mock-issuer assertions, the exchange, route lookup."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
from fastapi import FastAPI
from starlette.routing import Match

from chiron.auth.dev_issuer import dev_issuer
from chiron.config import Settings

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
