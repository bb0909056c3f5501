"""Auth test helpers: a probe router per scope mounted on the app, credentials in every state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from fastapi import APIRouter

from chiron.auth import keys, service, tokens
from chiron.auth.deps import (
    AdminPrincipal,
    DirectPrincipal,
    IngestPrincipal,
    OperatePrincipal,
    Principal,
    ReadPrincipal,
)
from chiron.config import Settings
from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.uow import UnitOfWork
from tests.fixtures.auth import MakeToken

probe = APIRouter(prefix="/_probe")


def _who(principal: Principal) -> dict[str, object]:
    return {
        "subject": principal.subject,
        "kind": principal.kind,
        "scopes": sorted(principal.scopes),
    }


@probe.post("/ingest")
async def probe_ingest(principal: IngestPrincipal) -> dict[str, object]:
    return _who(principal)


@probe.get("/read")
async def probe_read(principal: ReadPrincipal) -> dict[str, object]:
    return _who(principal)


@probe.post("/operate")
async def probe_operate(principal: OperatePrincipal) -> dict[str, object]:
    return _who(principal)


@probe.post("/direct")
async def probe_direct(principal: DirectPrincipal) -> dict[str, object]:
    return _who(principal)


@probe.put("/admin")
async def probe_admin(principal: AdminPrincipal) -> dict[str, object]:
    return _who(principal)


@pytest.fixture
def app_routers() -> tuple[APIRouter, ...]:
    """The shared app, plus one tiny route per scope."""
    return (probe,)


# Every way a credential can be presented, and what the API must answer.
CREDENTIAL_STATES: dict[str, tuple[int, str | None]] = {
    "missing": (401, "invalid_request"),
    "not_bearer": (401, "invalid_request"),
    "malformed": (401, "invalid_token"),
    "bad_checksum": (401, "invalid_token"),
    "unknown_key_id": (401, "invalid_token"),
    "wrong_secret": (401, "invalid_token"),
    "expired": (401, "expired_token"),
    "revoked": (401, "revoked_token"),
    "token_bad_signature": (401, "invalid_token"),
    "token_expired": (401, "expired_token"),
    "valid_without_scope": (403, "insufficient_scope"),
    "valid": (200, None),
    "valid_service_token": (200, None),
}
SCOPES_LACKING = {
    "ingest": ["read"],
    "read": ["ingest"],
    "operate": ["ingest", "read"],
    "direct": ["read", "operate"],
    "admin": ["ingest", "read", "operate", "direct"],
}

Credentials = Callable[[str, str], Awaitable[dict[str, str]]]


def corrupt(token: str, index: int = -10) -> str:
    """Change one character, keeping the shape."""
    chars = list(token)
    chars[index] = "A" if chars[index] != "A" else "B"
    return "".join(chars)


async def set_expiry(db: Database, token: str, delta: timedelta) -> None:
    from chiron.auth import repository

    async with UnitOfWork(db, None) as uow:
        client = await repository.get_by_key_id(await uow.begin(), keys.parse_key(token).key_id)
        assert client is not None
        client.expires_at = utcnow() + delta


@pytest.fixture
def credentials(make_token: MakeToken, db: Database, settings: Settings) -> Credentials:
    """`await credentials(state, scope)` -> request headers presenting that credential."""

    async def build(state: str, scope: str) -> dict[str, str]:
        bearer = await _token(state, scope)
        if bearer is None:
            return {}
        if state == "not_bearer":
            return {"Authorization": f"Basic {bearer}"}
        return {"Authorization": f"Bearer {bearer}"}

    async def _token(state: str, scope: str) -> str | None:
        match state:
            case "missing":
                return None
            case "malformed":
                return "chiron_definitely-not_a-key"
            case "not_bearer":
                return await make_token([scope])
            case "bad_checksum":
                return corrupt(await make_token([scope]))
            case "unknown_key_id":
                return keys.format_key(keys.generate_key_id(), keys.generate_secret())
            case "wrong_secret":
                real = keys.parse_key(await make_token([scope]))
                return keys.format_key(real.key_id, keys.generate_secret())
            case "expired":
                token = await make_token([scope], expires_in=timedelta(days=1))
                await set_expiry(db, token, timedelta(seconds=-1))
                return token
            case "revoked":
                token = await make_token([scope])
                async with UnitOfWork(db, None) as uow:
                    await service.revoke_api_client(uow, keys.parse_key(token).key_id)
                return token
            case "token_bad_signature":
                token, _ = tokens.issue(settings, "user_probe", [scope])
                return corrupt(token, -5)
            case "token_expired":
                token, _ = tokens.issue(settings, "user_probe", [scope], ttl=timedelta(minutes=-5))
                return token
            case "valid_without_scope":
                return await make_token(SCOPES_LACKING[scope])
            case "valid":
                return await make_token([scope])
            case "valid_service_token":
                token, _ = tokens.issue(settings, "user_probe", [scope])
                return token
        raise AssertionError(state)

    return build
