"""Every query of gates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select, tuple_

from chiron.kit.repository import Repository
from chiron.models import HeroGate


class GateRepository(Repository):
    async def all(self) -> Sequence[HeroGate]:
        statement = self.statement(
            "all_gates", lambda: select(HeroGate).order_by(HeroGate.position, HeroGate.slug)
        )
        return (await self.session.scalars(statement)).all()

    async def by_slug(self, slug: str, *, lock: bool = False) -> HeroGate | None:
        statement = select(HeroGate).where(HeroGate.slug == slug)
        if lock and self.is_postgres:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    async def watching(
        self, keys: Iterable[tuple[str, str]], *, lock: bool = False
    ) -> Sequence[HeroGate]:
        keys = sorted(set(keys))
        if not keys:
            return []
        statement = (
            select(HeroGate)
            .where(tuple_(HeroGate.source, HeroGate.metric).in_(keys))
            .order_by(HeroGate.slug)  # one lock order everywhere: no deadlocks
        )
        if lock and self.is_postgres:
            statement = statement.with_for_update()
        result = await self.session.scalars(statement)
        return result.all()

    def add(self, gate: HeroGate) -> None:
        self.session.add(gate)
