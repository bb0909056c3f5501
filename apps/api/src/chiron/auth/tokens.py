"""Service tokens: `v1.<b64url payload>.<b64url HMAC-SHA256>`, verifiable by any replica.

The signing key is derived from `CHIRON_SECRET_KEY`; its `kid` travels in the payload, so a
token signed before a rotation still verifies while `CHIRON_SECRET_KEY_PREVIOUS` is set.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chiron.config import Settings
from chiron.kit.time import utcnow

VERSION = "v1"
_SHAPE = re.compile(r"^v1\.([A-Za-z0-9_-]{16,4096})\.([A-Za-z0-9_-]{43})$")
_LABEL = b"chiron-service-token-v1"
CLOCK_SKEW_S = 5


class TokenInvalid(ValueError):
    """Malformed, unknown key, or bad signature."""


class TokenExpired(ValueError):
    """Well signed, but past its expiry."""


@dataclass(frozen=True, slots=True)
class ServiceToken:
    subject: str
    scopes: tuple[str, ...]
    issued_at: datetime
    expires_at: datetime
    kid: str
    name: str | None = None
    # When the user originally signed in: refresh never extends a session past a maximum age.
    auth_time: datetime | None = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), _LABEL, hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"kid:" + key).hexdigest()[:12]


def _keys(settings: Settings) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for secret in (settings.secret_key, settings.secret_key_previous):
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
) -> tuple[str, ServiceToken]:
    key = signing_key(settings.secret_key)
    now = utcnow().replace(microsecond=0)
    expires_at = now + (ttl or timedelta(seconds=settings.service_token_ttl_s))
    claims: dict[str, Any] = {
        "sub": subject,
        "scp": sorted(set(scopes)),
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "kid": key_id(key),
    }
    if name:
        claims["name"] = name
    if auth_time is not None:
        claims["auth_time"] = int(auth_time.timestamp())
    payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signing_input = f"{VERSION}.{payload}"
    signature = _b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())
    return f"{signing_input}.{signature}", _parse_claims(claims)


def verify(settings: Settings, token: str) -> ServiceToken:
    """Check shape, key id, signature (constant time) and expiry; no database involved."""
    match = _SHAPE.match(token)
    if match is None:
        raise TokenInvalid("not a Chiron service token")
    payload, signature = match.groups()
    try:
        claims = json.loads(_unb64(payload))
        given = _unb64(signature)
    except (binascii.Error, ValueError) as exc:
        raise TokenInvalid("service token cannot be decoded") from exc
    if not isinstance(claims, dict):
        raise TokenInvalid("service token payload is not an object")
    key = _keys(settings).get(str(claims.get("kid")))
    if key is None:
        raise TokenInvalid("service token was signed with an unknown key")
    expected = hmac.new(key, f"{VERSION}.{payload}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(given, expected):
        raise TokenInvalid("service token signature is invalid")
    token_claims = _parse_claims(claims)
    if token_claims.expires_at <= utcnow() - timedelta(seconds=CLOCK_SKEW_S):
        raise TokenExpired("service token expired")
    return token_claims


def _parse_claims(claims: dict[str, Any]) -> ServiceToken:
    try:
        auth_time = claims.get("auth_time")
        return ServiceToken(
            subject=str(claims["sub"]),
            scopes=tuple(str(s) for s in claims["scp"]),
            issued_at=datetime.fromtimestamp(int(claims["iat"]), UTC),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
            kid=str(claims["kid"]),
            name=str(claims["name"]) if claims.get("name") else None,
            auth_time=None if auth_time is None else datetime.fromtimestamp(int(auth_time), UTC),
        )
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise TokenInvalid("service token claims are incomplete") from exc
