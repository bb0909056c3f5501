"""Service tokens: HS256 JWTs (PyJWT), verifiable by any replica without the store.

The signing key is derived from `CHIRON_SECRET_KEY`; its `kid` travels in the JWT header, so
a token signed before a rotation still verifies while `CHIRON_SECRET_KEY_PREVIOUS` is set.
What a token says is one dataclass, `ServiceToken`: a new claim is a new field.
"""

from __future__ import annotations

import hashlib
import hmac
import types
import typing
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

import jwt

from chiron.config import Settings
from chiron.kit.time import utcnow

ALGORITHM = "HS256"
# Every JWT starts with its base64url-encoded header, `{"` -> `eyJ`.
PREFIX = "eyJ"
MAX_LENGTH = 4096
_LABEL = b"chiron-service-token-v1"
CLOCK_SKEW_S = 5
# Verified tokens remembered per process: a browser presents the same token on every request
# for its lifetime, and PyJWT's checks cost ~0.1-0.3 ms a token (docs/performance.md,
# "Service tokens"). Only well-signed tokens are kept; expiry is checked on every use.
VERIFIED_CACHE_SIZE = 4096


class TokenInvalid(ValueError):
    """Malformed, unknown key, or bad signature."""


class TokenExpired(ValueError):
    """Well signed, but past its expiry."""


@dataclass(frozen=True, slots=True)
class ServiceToken:
    """The claims of a service token. Each field is the claim named in its metadata (or
    the field's own name); datetimes travel as Unix seconds, tuples as lists, and a field
    left at None is not sent. Fields with defaults are optional in a token."""

    subject: str = field(metadata={"claim": "sub"})
    scopes: tuple[str, ...] = field(metadata={"claim": "scp"})
    issued_at: datetime = field(metadata={"claim": "iat"})
    expires_at: datetime = field(metadata={"claim": "exp"})
    name: str | None = None
    # When the user originally signed in: refresh never extends a session past a maximum age.
    auth_time: datetime | None = None
    # The sign-in's Clerk-style `org_role` and console position (DESIGN, "People, ...").
    role: str | None = None
    station: str | None = None
    # The signing key's id (from the JWT header, not a claim).
    kid: str = field(default="", metadata={"header": True})

    def claims(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in _claim_fields():
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, datetime):
                value = int(value.timestamp())
            elif isinstance(value, tuple):
                value = list(value)
            out[f.metadata.get("claim", f.name)] = value
        return out

    @classmethod
    def from_claims(cls, claims: dict[str, Any], kid: str) -> ServiceToken:
        hints = _hints()
        values: dict[str, Any] = {"kid": kid}
        for f in _claim_fields():
            raw = claims.get(f.metadata.get("claim", f.name))
            if raw is None:
                continue
            values[f.name] = _parse(hints[f.name], raw)
        try:
            return cls(**values)
        except TypeError as exc:  # a required claim is missing
            raise TokenInvalid("service token claims are incomplete") from exc


@cache
def _claim_fields() -> tuple[Any, ...]:
    return tuple(f for f in fields(ServiceToken) if not f.metadata.get("header"))


@cache
def _hints() -> dict[str, Any]:
    return typing.get_type_hints(ServiceToken)


def _parse(hint: Any, raw: Any) -> Any:
    """A claim's JSON value as the field's type (Optional unwrapped)."""
    if isinstance(hint, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    try:
        if hint is datetime:
            return datetime.fromtimestamp(int(raw), UTC)
        if typing.get_origin(hint) is tuple:
            if not isinstance(raw, list):
                raise TypeError("not a list")
            return tuple(str(item) for item in raw)
        if hint is str:
            return str(raw)
        return raw
    except (TypeError, ValueError, OverflowError) as exc:
        raise TokenInvalid("service token claims are malformed") from exc


def signing_key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), _LABEL, hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"kid:" + key).hexdigest()[:12]


@cache
def _keys(secret_key: str, previous: str | None) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for secret in (secret_key, previous):
        if secret:
            key = signing_key(secret)
            keys.setdefault(key_id(key), key)
    return keys


def issue(
    settings: Settings,
    subject: str,
    scopes: list[str] | tuple[str, ...],
    *,
    name: str | None = None,
    auth_time: datetime | None = None,
    ttl: timedelta | None = None,
    role: str | None = None,
    station: str | None = None,
) -> tuple[str, ServiceToken]:
    key = signing_key(settings.secret_key)
    now = utcnow().replace(microsecond=0)
    token = ServiceToken(
        subject=subject,
        scopes=tuple(sorted(set(scopes))),
        issued_at=now,
        expires_at=now + (ttl or timedelta(seconds=settings.service_token_ttl_s)),
        name=name or None,
        auth_time=None if auth_time is None else auth_time.replace(microsecond=0),
        role=role or None,
        station=station or None,
        kid=key_id(key),
    )
    text = jwt.encode(token.claims(), key, algorithm=ALGORITHM, headers={"kid": token.kid})
    return text, token


def verify(settings: Settings, token: str) -> ServiceToken:
    """Check shape, key id, signature (constant time, by PyJWT) and expiry; no store."""
    if not token.startswith(PREFIX) or len(token) > MAX_LENGTH:
        raise TokenInvalid("not a Chiron service token")
    claims = _verified(settings.secret_key, settings.secret_key_previous, token)
    if claims.expires_at <= utcnow() - timedelta(seconds=CLOCK_SKEW_S):
        raise TokenExpired("service token expired")
    return claims


@lru_cache(maxsize=VERIFIED_CACHE_SIZE)
def _verified(secret_key: str, previous: str | None, token: str) -> ServiceToken:
    """The claims of a well-signed token (expired or not); raises, so caches nothing, else."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise TokenInvalid("service token cannot be decoded") from exc
    if header.get("alg") != ALGORITHM:
        raise TokenInvalid("service token must be signed with HS256")
    key = _keys(secret_key, previous).get(str(header.get("kid")))
    if key is None:
        raise TokenInvalid("service token was signed with an unknown key")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={
                "require": ["sub", "scp", "iat", "exp"],
                "verify_iat": False,
                # Expiry is checked by verify() on every use, cached or not.
                "verify_exp": False,
            },
        )
    except jwt.InvalidSignatureError as exc:
        raise TokenInvalid("service token signature is invalid") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenInvalid(f"service token is not valid: {exc}") from exc
    return ServiceToken.from_claims(claims, str(header["kid"]))
