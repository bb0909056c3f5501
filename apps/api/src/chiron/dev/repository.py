"""Every query of the development tools: the signing key the mock issuer keeps in the store."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from chiron.models import HeroGate, MetricLatest, SigningKey


async def get_signing_key(session: AsyncSession, purpose: str) -> SigningKey | None:
    key: SigningKey | None = await session.scalar(
        select(SigningKey).where(SigningKey.purpose == purpose)
    )
    return key


async def add_signing_key(session: AsyncSession, key: SigningKey) -> None:
    session.add(key)
    await session.flush()


async def store_is_empty(session: AsyncSession) -> bool:
    """No gate and no latest value: nothing a seed would collide with."""
    gates = await session.scalar(select(func.count()).select_from(HeroGate))
    latest = await session.scalar(select(func.count()).select_from(MetricLatest))
    return not gates and not latest
