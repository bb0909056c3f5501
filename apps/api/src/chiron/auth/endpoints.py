"""/auth: exchange an identity provider's JWT for a service token; refresh, logout, me.

In development and test a mock issuer (`/auth/dev/...`, chiron.dev.endpoints) stands in for
Clerk; in production those routes do not exist and only the configured issuer is trusted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Response, status

from chiron.auth import tokens
from chiron.auth.deps import (
    SESSION_COOKIE,
    AssertionVerifierDep,
    Principal,
    SessionPrincipal,
)
from chiron.auth.errors import CredentialRejected
from chiron.auth.principal import ROLE_SCOPES
from chiron.auth.schemas import Me, TokenRequest, TokenResponse
from chiron.config import Settings
from chiron.deps import SettingsDep
from chiron.errors import ERROR_RESPONSES
from chiron.kit.time import utcnow

router = APIRouter(prefix="/auth", tags=["auth"])

# Refresh keeps a browser session alive, but never past this long after the sign-in.
SESSION_MAX_AGE = timedelta(hours=12)

_AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    k: v for k, v in ERROR_RESPONSES.items() if k in (401, 403, 422, 503)
}


def _issue(
    response: Response,
    settings: Settings,
    subject: str,
    scopes: tuple[str, ...] | frozenset[str],
    name: str | None,
    auth_time: datetime,
    *,
    role: str | None,
    station: str | None,
) -> TokenResponse:
    ttl = timedelta(seconds=settings.service_token_ttl_s)
    remaining = auth_time + SESSION_MAX_AGE - utcnow()
    if remaining <= timedelta(0):
        raise CredentialRejected(
            "The session is too old to refresh; sign in again", code="expired_token"
        )
    token, claims = tokens.issue(
        settings,
        subject,
        tuple(scopes),
        name=name,
        auth_time=auth_time,
        ttl=min(ttl, remaining),
        role=role,
        station=station,
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int((claims.expires_at - utcnow()).total_seconds()),
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    response.headers["Cache-Control"] = "no-store"
    return TokenResponse(
        access_token=token,
        expires_at=claims.expires_at,
        scopes=list(claims.scopes),
        subject=claims.subject,
    )


@router.post(
    "/token",
    operation_id="auth-token",
    response_model=TokenResponse,
    responses=_AUTH_ERRORS,
    summary="Exchange an identity provider's JWT for a service token (and session cookie)",
)
async def exchange_token(
    body: TokenRequest,
    response: Response,
    settings: SettingsDep,
    verifier: AssertionVerifierDep,
) -> TokenResponse:
    identity = await verifier.verify(body.assertion)
    return _issue(
        response,
        settings,
        identity.subject,
        ROLE_SCOPES[identity.role],
        identity.name,
        utcnow(),
        role=identity.role,
        station=identity.station,
    )


@router.post(
    "/refresh",
    operation_id="auth-refresh",
    response_model=TokenResponse,
    responses=_AUTH_ERRORS,
    summary="Exchange a valid service token (bearer or cookie) for a fresh one",
)
async def refresh(
    principal: SessionPrincipal, response: Response, settings: SettingsDep
) -> TokenResponse:
    if principal.kind != "service_token":
        raise CredentialRejected("Only service tokens can be refreshed")
    auth_time = principal.auth_time or utcnow()
    return _issue(
        response,
        settings,
        principal.subject,
        principal.scopes,
        principal.name,
        auth_time,
        role=principal.role,
        station=principal.station,
    )


@router.post(
    "/logout",
    operation_id="auth-logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Clear the session cookie",
)
async def logout(settings: SettingsDep) -> Response:
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=settings.secure_cookies, httponly=True, samesite="lax"
    )
    return response


@router.get(
    "/me",
    operation_id="auth-me",
    response_model=Me,
    responses=_AUTH_ERRORS,
    summary="Who the presented credential belongs to",
)
async def me(principal: SessionPrincipal) -> Me:
    return _me(principal)


def _me(principal: Principal) -> Me:
    return Me(
        subject=principal.subject,
        name=principal.name,
        scopes=sorted(principal.scopes),
        expires_at=principal.expires_at,
        role=principal.role,
        station=principal.station,
    )
