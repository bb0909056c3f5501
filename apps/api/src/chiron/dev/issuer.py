"""The development stand-in for Clerk: an RS256 issuer with its own JWKS.

Its RSA key is generated once by `cryptography` and kept in the store (`signing_keys`), so
every replica sharing the store mints and accepts the same assertions, and a restart keeps
sessions working. Never used in production: the app factory does not mount it there (nor
does the production image carry this package), and the verifier then trusts only the
configured JWKS.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.exc import IntegrityError

from chiron.auth.assertions import TrustedKey
from chiron.auth.keys import base62_encode
from chiron.config import Settings
from chiron.db import Database
from chiron.dev import repository
from chiron.kit.time import utcnow
from chiron.models import SigningKey
from chiron.uow import UnitOfWork

DEV_ISSUER = "https://dev-issuer.chiron.invalid"
DEV_AUDIENCE = "chiron"
ASSERTION_TTL = timedelta(minutes=5)
PURPOSE = "dev-issuer"
KEY_SIZE = 2048
PUBLIC_EXPONENT = 65537


def generate_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_SIZE)


def key_id(public_key: rsa.RSAPublicKey) -> str:
    """Names the key by its public half, so a kid never outlives the key it names."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "dev-" + hashlib.sha256(der).hexdigest()[:16]


def _pem(private_key: rsa.RSAPrivateKey) -> str:
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _load_pem(text: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError(f"the stored {PURPOSE} key is not an RSA key")
    return key


class DevIssuer:
    """Mints Clerk-shaped session JWTs and serves their JWKS; the verifier's local issuer."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.issuer = settings.auth_issuer or DEV_ISSUER
        self.audience = settings.auth_audience or DEV_AUDIENCE
        self._db = db
        self._key: rsa.RSAPrivateKey | None = None
        self._lock = asyncio.Lock()

    async def private_key(self) -> rsa.RSAPrivateKey:
        """The store's key, generated and stored on first use; read once per process."""
        if self._key is None:
            async with self._lock:
                if self._key is None:
                    self._key = await self._load_or_create()
        return self._key

    async def _load_or_create(self) -> rsa.RSAPrivateKey:
        async with self._db.sessionmaker() as session:
            stored = await repository.get_signing_key(session, PURPOSE)
        if stored is not None:
            return _load_pem(stored.private_key_pem)
        # A few hundred milliseconds of CPU: keep it off the event loop.
        fresh = await asyncio.to_thread(generate_key)
        row = SigningKey(
            purpose=PURPOSE,
            kid=key_id(fresh.public_key()),
            private_key_pem=_pem(fresh),
            created_at=utcnow(),
        )
        try:
            async with UnitOfWork(self._db, None) as uow:
                await repository.add_signing_key(await uow.begin(), row)
        except IntegrityError:
            # Another replica stored its key first: everyone uses that one.
            async with self._db.sessionmaker() as session:
                stored = await repository.get_signing_key(session, PURPOSE)
            assert stored is not None
            return _load_pem(stored.private_key_pem)
        return fresh

    async def trusted_key(self) -> TrustedKey:
        key = await self.private_key()
        return TrustedKey(
            kid=key_id(key.public_key()),
            public_key=key.public_key(),
            issuer=self.issuer,
            audience=self.audience,
        )

    async def jwks(self) -> dict[str, Any]:
        key = await self.private_key()
        jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        jwk.update(kid=key_id(key.public_key()), use="sig", alg="RS256")
        return {"keys": [jwk]}

    async def mint(
        self,
        email: str,
        name: str | None = None,
        *,
        org_role: str | None = None,
        station: str | None = None,
    ) -> tuple[str, datetime]:
        """A Clerk-shaped session JWT for `email`: sub is a stable `user_…` id."""
        key = await self.private_key()
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
        if org_role:
            claims["org_role"] = org_role
        if station:
            claims["station"] = station
        headers = {"kid": key_id(key.public_key())}
        token = jwt.encode(claims, key, algorithm="RS256", headers=headers)
        return token, expires_at
