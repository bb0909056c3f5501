"""API client rules: create (the plaintext key is returned once), list, revoke. Flushes only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from chiron.auth import binding, keys, repository
from chiron.auth.principal import SCOPES
from chiron.config import Settings
from chiron.errors import InvalidInput, NotFound
from chiron.kit.time import utcnow
from chiron.models import ApiClient
from chiron.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def normalize_scopes(scopes: Iterable[str]) -> list[str]:
    wanted = {s.strip().lower() for s in scopes}
    unknown = sorted(wanted - set(SCOPES))
    if unknown:
        raise InvalidInput(f"Unknown scope(s): {', '.join(unknown)}; choose from {SCOPES}")
    if not wanted:
        raise InvalidInput("An API client needs at least one scope")
    return [s for s in SCOPES if s in wanted]


async def create_api_client(
    uow: UnitOfWork,
    settings: Settings,
    name: str,
    scopes: list[str],
    expires_in: timedelta | None = None,
    *,
    sources: list[str] | None = None,
) -> tuple[ApiClient, str]:
    """Store a new client and return it with its plaintext key, which is never stored.
    `sources` binds it to those source patterns (None: any source)."""
    name = name.strip()
    if not name or len(name) > 128:
        raise InvalidInput("A client name must be 1 to 128 characters")
    if expires_in is not None and expires_in <= timedelta(0):
        raise InvalidInput("expires_in must be positive")
    normalized = normalize_scopes(scopes)
    patterns = None if sources is None else binding.normalize_patterns(sources)
    now = utcnow()
    # A 71-bit random key id: a collision would fail the unique constraint, never alias a key.
    key_id, secret = keys.generate_key_id(), keys.generate_secret()
    secret_hash, pepper_version = keys.current_hash(settings, secret)
    client = ApiClient(
        name=name,
        key_id=key_id,
        secret_hash=secret_hash,
        pepper_version=pepper_version,
        scopes=normalized,
        sources=patterns,
        created_at=now,
        expires_at=None if expires_in is None else now + expires_in,
    )
    await repository.add(await uow.begin(), client)
    return client, keys.format_key(key_id, secret)


async def list_api_clients(session: AsyncSession) -> Sequence[ApiClient]:
    return await repository.list_all(session)


async def revoke_api_client(uow: UnitOfWork, key_id: str) -> ApiClient:
    """Idempotent: revoking a revoked client keeps its first revocation time."""
    session = await uow.begin()
    client = await repository.get_by_key_id(session, key_id)
    if client is None:
        raise NotFound(f"No API client with key id {key_id!r}")
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        await repository.flush(session)
    return client
