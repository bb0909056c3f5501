"""The one Authenticator dependency and its per-scope aliases.

Credentials come from `Authorization: Bearer <api key | service token>` or, for browser
reads (GET/HEAD, the stream included), the httpOnly `chiron_session` cookie. Never from a
query string. Endpoints declare what they need with `IngestPrincipal`, `ReadPrincipal`,
`OperatePrincipal`, `DirectPrincipal` or `AdminPrincipal` (`admin` implies every scope).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from chiron.auth.assertions import AssertionVerifier
from chiron.auth.authenticator import Authenticator
from chiron.auth.errors import CredentialRejected, InsufficientScope, missing_credentials
from chiron.auth.principal import Principal, Scope
from chiron.deps import StateDep

__all__ = [
    "SESSION_COOKIE",
    "AdminPrincipal",
    "DirectPrincipal",
    "IngestPrincipal",
    "OperatePrincipal",
    "Principal",
    "ReadPrincipal",
    "Scope",
    "SessionPrincipal",
    "authenticate",
    "require",
]

SESSION_COOKIE = "chiron_session"
_SAFE_METHODS = frozenset({"GET", "HEAD"})

# Declared so OpenAPI shows both ways in; the values are read from the request below.
bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An API key (`chiron_…`) or a service token from `POST /auth/token`",
)
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="session_cookie",
    description="The service token set by `POST /auth/token`; accepted for reads",
)


async def get_authenticator(state: StateDep) -> Authenticator:
    authenticator = state.extras.get("auth.authenticator")
    if authenticator is None:
        authenticator = Authenticator(state.settings, state.db)
        state.extras["auth.authenticator"] = authenticator
    assert isinstance(authenticator, Authenticator)
    return authenticator


async def get_assertion_verifier(state: StateDep) -> AssertionVerifier:
    verifier = state.extras.get("auth.assertions")
    if verifier is None:
        verifier = AssertionVerifier(state.settings, state.local_issuer)
        state.extras["auth.assertions"] = verifier
    assert isinstance(verifier, AssertionVerifier)
    return verifier


AuthenticatorDep = Annotated[Authenticator, Depends(get_authenticator)]
AssertionVerifierDep = Annotated[AssertionVerifier, Depends(get_assertion_verifier)]
_Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]
_Cookie = Annotated[str | None, Depends(cookie_scheme)]


def credential_from(request: Request, *, cookie_allowed: bool) -> tuple[str, bool]:
    """The presented token and whether it came from the cookie; a header always wins."""
    headers = request.headers.getlist("authorization")
    if len(headers) > 1:
        raise CredentialRejected("Send a single Authorization header", code="invalid_request")
    if headers:
        scheme, _, token = headers[0].strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or any(c.isspace() for c in token):
            raise CredentialRejected(
                "The Authorization header must be 'Bearer <token>'", code="invalid_request"
            )
        return token, False
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and (cookie_allowed or request.method in _SAFE_METHODS):
        return cookie, True
    raise missing_credentials()


async def authenticate(
    request: Request, authenticator: AuthenticatorDep, _bearer: _Bearer, _cookie: _Cookie
) -> Principal:
    token, from_cookie = credential_from(request, cookie_allowed=False)
    return await authenticator.authenticate(token, from_cookie=from_cookie)


async def authenticate_session(
    request: Request, authenticator: AuthenticatorDep, _bearer: _Bearer, _cookie: _Cookie
) -> Principal:
    """For the session routes (`/auth/refresh`, `/auth/me`): the cookie counts on any method.

    A cross-site POST cannot carry the SameSite=Lax cookie, and refreshing reveals nothing.
    """
    token, from_cookie = credential_from(request, cookie_allowed=True)
    return await authenticator.authenticate(token, from_cookie=from_cookie)


async def authenticate_operator(
    request: Request, authenticator: AuthenticatorDep, _bearer: _Bearer, _cookie: _Cookie
) -> Principal:
    """For operator actions a person takes in the browser (acknowledge, shelve, ...): the
    cookie counts on a JSON request. A cross-site page cannot send one with the cookie: the
    SameSite=Lax cookie stays off cross-site POSTs, and a cross-origin JSON request needs a
    CORS preflight that only `CHIRON_CORS_ORIGINS` pass. The same defence as `/auth/refresh`.
    """
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    token, from_cookie = credential_from(request, cookie_allowed=media == "application/json")
    return await authenticator.authenticate(token, from_cookie=from_cookie)


def require(
    scope: Scope, *, browser_action: bool = False
) -> Callable[[Principal], Awaitable[Principal]]:
    async def dependency(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if not principal.has_scope(scope):
            raise InsufficientScope(scope)
        return principal

    async def action(principal: Annotated[Principal, Depends(authenticate_operator)]) -> Principal:
        if not principal.has_scope(scope):
            raise InsufficientScope(scope)
        return principal

    return action if browser_action else dependency


IngestPrincipal = Annotated[Principal, Depends(require("ingest"))]
ReadPrincipal = Annotated[Principal, Depends(require("read"))]
# Operator actions come from people in the browser: the session cookie counts (JSON only).
OperatePrincipal = Annotated[Principal, Depends(require("operate", browser_action=True))]
DirectPrincipal = Annotated[Principal, Depends(require("direct", browser_action=True))]
AdminPrincipal = Annotated[Principal, Depends(require("admin"))]
SessionPrincipal = Annotated[Principal, Depends(authenticate_session)]
