"""Turns a bearer credential (API key or service token) into a Principal.

API key look-ups are cached per process for at most `auth_cache_ttl_s`, so a key revoked
or expired elsewhere stops working on every replica within that time; the secret is still
checked on every request. `last_used_at` is written at most once a minute per key.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog

from chiron.auth import keys, repository, tokens
from chiron.auth.errors import CredentialRejected
from chiron.auth.principal import Principal
from chiron.config import Settings
from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.models import ApiClient
from chiron.uow import UnitOfWork

log = structlog.get_logger("chiron.auth")

USAGE_WRITE_INTERVAL_S = 60.0
_MAX_CACHED_KEYS = 10_000


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """What authentication needs from an `api_clients` row, detached from any session."""

    key_id: str
    name: str
    secret_hash: str
    scopes: frozenset[str]
    expires_at: datetime | None
    revoked_at: datetime | None
    sources: tuple[str, ...] | None = None

    @classmethod
    def of(cls, client: ApiClient) -> KeyRecord:
        return cls(
            key_id=client.key_id,
            name=client.name,
            secret_hash=client.secret_hash,
            scopes=frozenset(client.scopes),
            expires_at=client.expires_at,
            revoked_at=client.revoked_at,
            sources=None if client.sources is None else tuple(client.sources),
        )


class KeyCache:
    """A bounded LRU of key records, each trusted for at most `ttl` seconds."""

    def __init__(self, ttl: Callable[[], float], clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, KeyRecord]] = OrderedDict()

    def get(self, key_id: str) -> KeyRecord | None:
        entry = self._entries.get(key_id)
        if entry is None:
            return None
        fetched_at, record = entry
        if self._clock() - fetched_at >= self._ttl():
            del self._entries[key_id]
            return None
        self._entries.move_to_end(key_id)
        return record

    def put(self, record: KeyRecord) -> None:
        self._entries[record.key_id] = (self._clock(), record)
        self._entries.move_to_end(record.key_id)
        while len(self._entries) > _MAX_CACHED_KEYS:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


class UsageThrottle:
    """Says when a key's `last_used_at` is due for a write: at most once per interval."""

    def __init__(self, interval_s: float, clock: Callable[[], float] = time.monotonic):
        self._interval = interval_s
        self._clock = clock
        self._last: dict[str, float] = {}

    def due(self, key_id: str) -> bool:
        now = self._clock()
        last = self._last.get(key_id)
        if last is not None and now - last < self._interval:
            return False
        if len(self._last) >= _MAX_CACHED_KEYS:
            self._last = {k: t for k, t in self._last.items() if now - t < self._interval}
        self._last[key_id] = now
        return True


class Authenticator:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.cache = KeyCache(lambda: min(settings.auth_cache_ttl_s, 5.0))
        self.usage = UsageThrottle(USAGE_WRITE_INTERVAL_S)

    async def authenticate(self, token: str, *, from_cookie: bool = False) -> Principal:
        if token.startswith(keys.PREFIX):
            if from_cookie:
                raise CredentialRejected("The session cookie does not hold a session token")
            return await self.api_key(token)
        if token.startswith(tokens.PREFIX):
            return self.service_token(token)
        raise CredentialRejected("The credential is not a Chiron API key or service token")

    def service_token(self, token: str) -> Principal:
        try:
            claims = tokens.verify(self.settings, token)
        except tokens.TokenExpired:
            raise CredentialRejected("The token has expired", code="expired_token") from None
        except tokens.TokenInvalid as exc:
            raise CredentialRejected(f"Invalid token: {exc}") from None
        return Principal(
            subject=claims.subject,
            scopes=frozenset(claims.scopes),
            kind="service_token",
            name=claims.name,
            expires_at=claims.expires_at,
            auth_time=claims.auth_time,
            role=claims.role,
            station=claims.station,
        )

    async def api_key(self, token: str) -> Principal:
        try:
            parsed = keys.parse_key(token)
        except keys.BadChecksum:
            raise CredentialRejected(
                "The API key checksum does not match (mistyped or truncated key)"
            ) from None
        except keys.MalformedKey:
            raise CredentialRejected("The API key is malformed") from None

        record = self.cache.get(parsed.key_id)
        if record is None:
            record = await self._load(parsed.key_id)
        # Unknown key and wrong secret answer alike, so key ids cannot be probed.
        match = (
            None
            if record is None
            else keys.verify_secret(self.settings, parsed.secret, record.secret_hash)
        )
        if record is None or match is None:
            raise CredentialRejected("Unknown API key or wrong secret")
        if record.revoked_at is not None:
            raise CredentialRejected("The API key has been revoked", code="revoked_token")
        if record.expires_at is not None and record.expires_at <= utcnow():
            raise CredentialRejected("The API key has expired", code="expired_token")

        if self.usage.due(record.key_id):
            # Verified under the previous pepper: move the stored digest to the current one.
            rehash = None
            if match == "previous":
                rehash = keys.current_hash(self.settings, parsed.secret)
            await self._record_use(record.key_id, rehash)
        return Principal(
            subject=f"client:{record.key_id}",
            scopes=record.scopes,
            kind="api_key",
            key_id=record.key_id,
            name=record.name,
            expires_at=record.expires_at,
            sources=record.sources,
        )

    async def _load(self, key_id: str) -> KeyRecord | None:
        async with self.db.sessionmaker() as session:
            client = await repository.get_by_key_id(session, key_id)
        if client is None:
            return None
        record = KeyRecord.of(client)
        self.cache.put(record)
        return record

    async def _record_use(self, key_id: str, rehash: tuple[str, int] | None) -> None:
        """Its own short transaction; a failure is logged, never the request's failure."""
        try:
            async with UnitOfWork(self.db, None) as uow:
                await repository.touch(await uow.begin(), key_id, utcnow(), rehash)
        except Exception as exc:  # noqa: BLE001 - bookkeeping must not fail authentication
            log.warning("api_key_usage_not_recorded", key_id=key_id, error=type(exc).__name__)
