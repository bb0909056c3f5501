"""Every query on `api_clients`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chiron.models import ApiClient


async def get_by_key_id(session: AsyncSession, key_id: str) -> ApiClient | None:
    result = await session.execute(select(ApiClient).where(ApiClient.key_id == key_id))
    return result.scalar_one_or_none()


async def list_all(session: AsyncSession) -> Sequence[ApiClient]:
    result = await session.execute(select(ApiClient).order_by(ApiClient.created_at, ApiClient.id))
    return result.scalars().all()


async def add(session: AsyncSession, client: ApiClient) -> ApiClient:
    session.add(client)
    await session.flush()
    return client


async def touch(
    session: AsyncSession,
    key_id: str,
    used_at: datetime,
    rehash: tuple[str, int] | None = None,
) -> None:
    values: dict[str, object] = {"last_used_at": used_at}
    if rehash is not None:
        values["secret_hash"], values["pepper_version"] = rehash
    await session.execute(update(ApiClient).where(ApiClient.key_id == key_id).values(**values))


async def flush(session: AsyncSession) -> None:
    await session.flush()
