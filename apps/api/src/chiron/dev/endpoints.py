"""/auth/dev: the mock issuer's JWKS and sign-in assertions (development and test only).

Mounted by the app factory outside production; with a real identity provider configured
(`CHIRON_AUTH_JWKS_URL`) the routes answer 404.
"""

from __future__ import annotations

from fastapi import APIRouter

from chiron.deps import StateDep
from chiron.dev.issuer import DevIssuer
from chiron.dev.schemas import DevAssertion, DevAssertionRequest, Jwks
from chiron.errors import NotFound

router = APIRouter(prefix="/auth/dev", tags=["auth"])


def _issuer(state: StateDep) -> DevIssuer:
    issuer = state.local_issuer
    if not isinstance(issuer, DevIssuer):
        raise NotFound("The mock issuer is disabled: a real identity provider is configured")
    return issuer


@router.get(
    "/jwks.json",
    operation_id="auth-dev_jwks",
    response_model=Jwks,
    summary="The development mock issuer's JWKS (absent in production)",
)
async def dev_jwks(state: StateDep) -> Jwks:
    return Jwks(keys=(await _issuer(state).jwks())["keys"])


@router.post(
    "/assertion",
    operation_id="auth-dev_assertion",
    response_model=DevAssertion,
    summary="Mint a Clerk-shaped JWT for a user (development mock issuer; absent in production)",
)
async def dev_assertion(body: DevAssertionRequest, state: StateDep) -> DevAssertion:
    assertion, expires_at = await _issuer(state).mint(
        body.email, body.name, org_role=body.org_role, station=body.station and body.station.upper()
    )
    return DevAssertion(assertion=assertion, expires_at=expires_at)
