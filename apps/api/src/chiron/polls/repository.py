"""Every query of polls and their answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update

from chiron.kit.repository import Repository
from chiron.models import HeroGate, Poll, PollAnswer

CLAIMS_PER_SWEEP = 100


class PollRepository(Repository):
    async def add(self, poll: Poll) -> Poll:
        self.session.add(poll)
        await self.session.flush()
        return poll

    async def get(self, poll_id: int) -> Poll | None:
        return await self.session.get(Poll, poll_id)

    async def list(self, state: str | None) -> Sequence[Poll]:
        statement = select(Poll).order_by(Poll.opened_at.desc(), Poll.id.desc()).limit(200)
        if state is not None:
            statement = statement.where(Poll.state == state)
        result = await self.session.scalars(statement)
        return result.all()

    async def add_answer(self, answer: PollAnswer) -> None:
        self.session.add(answer)
        await self.session.flush()

    async def answers(self, poll_ids: Sequence[int]) -> Sequence[PollAnswer]:
        if not poll_ids:
            return []
        result = await self.session.scalars(
            select(PollAnswer).where(PollAnswer.poll_id.in_(poll_ids)).order_by(PollAnswer.id)
        )
        return result.all()

    async def claim_close(self, poll_id: int, now: datetime) -> bool:
        """Mark it closed if it is still open: the conditional UPDATE lets exactly one
        closer (a director, a replica's job) win."""
        claimed = await self.session.execute(
            update(Poll)
            .where(Poll.id == poll_id, Poll.state == "open")
            .values(state="closed", closed_at=now)
            .returning(Poll.id)
            .execution_options(synchronize_session=False)
        )
        return claimed.scalar_one_or_none() is not None

    async def claim_due(self, now: datetime) -> int | None:
        """Claim one open poll whose `closes_at` has passed (None: none left)."""
        due = (
            select(Poll.id)
            .where(Poll.state == "open", Poll.closes_at <= now)
            .order_by(Poll.closes_at, Poll.id)
            .limit(1)
            .scalar_subquery()
        )
        claimed = await self.session.execute(
            update(Poll)
            .where(Poll.id == due, Poll.state == "open", Poll.closes_at <= now)
            .values(state="closed", closed_at=now)
            .returning(Poll.id)
            .execution_options(synchronize_session=False)
        )
        poll_id: int | None = claimed.scalar_one_or_none()
        return poll_id

    async def refresh(self, poll: Poll) -> None:
        await self.session.refresh(poll)

    async def gates(self, slugs: Sequence[str]) -> dict[str, HeroGate]:
        if not slugs:
            return {}
        result = await self.session.scalars(select(HeroGate).where(HeroGate.slug.in_(slugs)))
        return {gate.slug: gate for gate in result.all()}
