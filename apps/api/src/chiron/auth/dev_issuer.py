"""The development stand-in for Clerk: an RS256 issuer with its own JWKS.

Its RSA key is derived deterministically from `CHIRON_SECRET_KEY`, so every replica of a
development or test deployment mints and accepts the same assertions. Never used in
production: the endpoints answer 404 there and the verifier only trusts the configured JWKS.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from chiron.auth.keys import base62_encode
from chiron.config import Settings
from chiron.kit.time import utcnow

DEV_ISSUER = "https://dev-issuer.chiron.invalid"
DEV_AUDIENCE = "chiron"
ASSERTION_TTL = timedelta(minutes=5)
_PRIME_BITS = 1024
_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p**0.5) + 1))]


@dataclass(frozen=True, slots=True)
class DevIssuer:
    issuer: str
    audience: str
    kid: str
    private_key: rsa.RSAPrivateKey

    def jwks(self) -> dict[str, Any]:
        jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(
            self.private_key.public_key(), as_dict=True
        )
        jwk.update(kid=self.kid, use="sig", alg="RS256")
        return {"keys": [jwk]}

    def mint(self, email: str, name: str | None = None) -> tuple[str, datetime]:
        """A Clerk-shaped session JWT for `email`: sub is a stable `user_…` id."""
        now = utcnow()
        expires_at = now + ASSERTION_TTL
        digest = int.from_bytes(hashlib.sha256(email.lower().encode()).digest()[:16], "big")
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": "user_" + base62_encode(digest, 22),
            "aud": self.audience,
            "azp": self.audience,
            "email": email,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()) - 5,
            "exp": int(expires_at.timestamp()),
        }
        if name:
            claims["name"] = name
        token = jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})
        return token, expires_at


def dev_issuer(settings: Settings) -> DevIssuer:
    return DevIssuer(
        issuer=settings.auth_issuer or DEV_ISSUER,
        audience=settings.auth_audience or DEV_AUDIENCE,
        kid=_kid(settings.secret_key),
        private_key=_derived_key(settings.secret_key),
    )


def _kid(secret_key: str) -> str:
    return "dev-" + hashlib.sha256(_seed(secret_key)).hexdigest()[:16]


def _seed(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"chiron-dev-issuer-rsa-v1", hashlib.sha256).digest()


def _stream(seed: bytes) -> Iterator[int]:
    """An HMAC-SHA256 counter-mode byte stream: deterministic, unpredictable without the seed."""
    counter = 0
    while True:
        yield from hmac.new(seed, counter.to_bytes(8, "big"), hashlib.sha256).digest()
        counter += 1


def _is_probable_prime(n: int) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    # Fixed bases suffice: candidates come from a keyed stream, not from an adversary.
    for base in _SMALL_PRIMES[:40]:
        x = pow(base, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(stream: Iterator[int], e: int) -> int:
    while True:
        raw = bytes(next(stream) for _ in range(_PRIME_BITS // 8))
        candidate = int.from_bytes(raw, "big") | (0b11 << (_PRIME_BITS - 2)) | 1
        if _is_probable_prime(candidate) and (candidate - 1) % e:
            return candidate


@lru_cache(maxsize=4)
def _derived_key(secret_key: str) -> rsa.RSAPrivateKey:
    e = 65537
    stream = _stream(_seed(secret_key))
    p = _prime(stream, e)
    q = _prime(stream, e)
    while q == p:  # pragma: no cover - astronomically unlikely
        q = _prime(stream, e)
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=rsa.rsa_crt_dmp1(d, p),
        dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q),
        public_numbers=rsa.RSAPublicNumbers(e=e, n=p * q),
    )
    return numbers.private_key()
