"""Verifies Clerk-style RS256 JWT assertions against a JWKS: the configured one, or in
development and test a local issuer's (the mock issuer in chiron.dev, handed in by the app
factory). Switching to Clerk is configuration only: `CHIRON_AUTH_ISSUER`,
`CHIRON_AUTH_JWKS_URL` and (optionally) `CHIRON_AUTH_AUDIENCE`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from chiron.auth.errors import CredentialRejected, IdentityProviderUnavailable
from chiron.auth.principal import Role, role_of, station_of
from chiron.config import Environment, Settings

ALGORITHM = "RS256"
# Subjects become principal ids stored elsewhere (idempotency keys): keep them bounded.
MAX_SUBJECT_LENGTH = 64
LEEWAY_S = 10
JWKS_CACHE_S = 300


@dataclass(frozen=True, slots=True)
class Identity:
    subject: str
    email: str | None
    name: str | None
    role: Role = "org:viewer"
    station: str | None = None


@dataclass(frozen=True, slots=True)
class TrustedKey:
    """A local issuer's verification key and the claims its assertions must carry."""

    kid: str
    public_key: RSAPublicKey
    issuer: str
    audience: str


class LocalIssuer(Protocol):
    """An issuer running in this process (the development mock), trusted only when no JWKS
    is configured and never in production."""

    async def trusted_key(self) -> TrustedKey: ...


def mock_issuer_enabled(settings: Settings) -> bool:
    return settings.env is not Environment.production and not settings.auth_jwks_url


class AssertionVerifier:
    def __init__(self, settings: Settings, local: LocalIssuer | None = None) -> None:
        self.settings = settings
        self._jwks: jwt.PyJWKClient | None = None
        if settings.auth_jwks_url:
            self._jwks = jwt.PyJWKClient(
                settings.auth_jwks_url, cache_keys=True, lifespan=JWKS_CACHE_S, timeout=5
            )
        self._local = local if mock_issuer_enabled(settings) else None

    async def verify(self, assertion: str) -> Identity:
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.InvalidTokenError:
            raise CredentialRejected("The assertion is not a JWT") from None
        if header.get("alg") != ALGORITHM:
            raise CredentialRejected("The assertion must be signed with RS256")
        key, issuer, audience = await self._trust(assertion, header)
        try:
            claims: dict[str, Any] = jwt.decode(
                assertion,
                key,
                algorithms=[ALGORITHM],
                issuer=issuer,
                leeway=LEEWAY_S,
                options={"require": ["exp", "iat", "iss", "sub"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise CredentialRejected("The assertion has expired", code="expired_token") from None
        except jwt.InvalidIssuerError:
            raise CredentialRejected("The assertion comes from an untrusted issuer") from None
        except jwt.InvalidSignatureError:
            raise CredentialRejected("The assertion signature is invalid") from None
        except jwt.ImmatureSignatureError:
            raise CredentialRejected("The assertion is not valid yet") from None
        except jwt.InvalidTokenError:
            raise CredentialRejected("The assertion is not valid") from None
        if audience and not _meant_for(claims, audience):
            raise CredentialRejected("The assertion was not issued for this service")
        subject = str(claims["sub"])
        if not subject or len(subject) > MAX_SUBJECT_LENGTH:
            raise CredentialRejected("The assertion's subject is empty or too long")
        email = claims.get("email")
        name = claims.get("name")
        try:
            station = station_of(claims.get("station"))
        except ValueError as exc:
            raise CredentialRejected(f"The assertion's station claim is not valid: {exc}") from None
        return Identity(
            subject=subject,
            email=str(email) if email else None,
            name=str(name) if name else (str(email) if email else None),
            role=role_of(_org_role(claims)),
            station=station,
        )

    async def _trust(
        self, assertion: str, header: dict[str, Any]
    ) -> tuple[RSAPublicKey | Any, str, str | None]:
        """The verification key, the expected issuer and audience."""
        if self._jwks is not None:
            issuer = self.settings.auth_issuer
            if not issuer:
                raise IdentityProviderUnavailable(
                    "CHIRON_AUTH_ISSUER must be set together with CHIRON_AUTH_JWKS_URL"
                )
            try:
                signing_key = await asyncio.to_thread(
                    self._jwks.get_signing_key_from_jwt, assertion
                )
            except jwt.PyJWKClientConnectionError:
                raise IdentityProviderUnavailable(
                    "The identity provider's JWKS is unreachable"
                ) from None
            except jwt.PyJWKClientError:
                raise CredentialRejected("The assertion was signed with an unknown key") from None
            return signing_key.key, issuer, self.settings.auth_audience
        if self._local is None:
            raise IdentityProviderUnavailable(
                "No identity provider is configured: "
                "set CHIRON_AUTH_ISSUER and CHIRON_AUTH_JWKS_URL"
            )
        trusted = await self._local.trusted_key()
        if header.get("kid") != trusted.kid:
            raise CredentialRejected("The assertion was signed with an unknown key")
        return trusted.public_key, trusted.issuer, trusted.audience


def _org_role(claims: dict[str, Any]) -> object:
    """Clerk's session token v1 carries `org_role` (`org:admin`); v2 carries `o.rol`
    (`admin`), without the prefix."""
    if "org_role" in claims:
        return claims["org_role"]
    org = claims.get("o")
    if isinstance(org, dict) and isinstance(org.get("rol"), str):
        return "org:" + org["rol"]
    return None


def _meant_for(claims: dict[str, Any], audience: str) -> bool:
    """Clerk session tokens name their audience in `azp`; other issuers use `aud`."""
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else list(aud or [])
    return audience in audiences or claims.get("azp") == audience
