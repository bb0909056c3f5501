"""Every query of notifications: webhooks, the outbox's inserts, claims and outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from chiron.kit.repository import Repository
from chiron.models import HeroGate, NotificationOutbox, Webhook

ALERTMANAGER = "alertmanager"
WEBHOOK = "webhook"
# Any fixed number: the PostgreSQL advisory lock that serializes claims across replicas.
_CLAIM_LOCK = 7_425_025


class NotifyRepository(Repository):
    # Webhooks.

    async def add_webhook(self, hook: Webhook) -> Webhook:
        self.session.add(hook)
        await self.session.flush()
        return hook

    async def webhooks(self) -> Sequence[Webhook]:
        rows = await self.session.scalars(select(Webhook).order_by(Webhook.id))
        return rows.all()

    async def webhook(self, webhook_id: int) -> Webhook | None:
        return await self.session.get(Webhook, webhook_id)

    async def delete_webhook(self, webhook_id: int) -> bool:
        result = await self.session.execute(delete(Webhook).where(Webhook.id == webhook_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # The outbox.

    async def add(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(insert(NotificationOutbox), list(rows))

    async def add_once(self, row: dict[str, Any]) -> bool:
        """Insert unless a row with the same `dedupe_key` exists (any replica's)."""
        upsert = pg_insert if self.dialect == "postgresql" else sqlite_insert
        statement = upsert(NotificationOutbox).values(**row).on_conflict_do_nothing()
        result = await self.session.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def any_due(self, now: datetime) -> bool:
        t = NotificationOutbox
        due = select(t.id).where(t.status == "pending", t.next_attempt_at <= now).limit(1)
        return (await self.session.scalar(due)) is not None

    async def claim(
        self, now: datetime, lease_until: datetime, token: str, limit: int
    ) -> list[NotificationOutbox]:
        """Lease up to `limit` due rows. PostgreSQL: claims take turns (an advisory lock for
        the transaction) and skip rows another transaction holds (FOR UPDATE SKIP LOCKED);
        SQLite: one writer at a time. Either way each row is leased to one claimer: the
        UPDATE re-checks the lease. An Alertmanager row waits while another row of its gate
        is leased, so one gate's state is sent in order by one dispatcher at a time."""
        if self.dialect == "postgresql":
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CLAIM_LOCK}
            )
        t = NotificationOutbox
        other = NotificationOutbox.__table__.alias("other")
        free = or_(t.lease_until.is_(None), t.lease_until < now)
        gate_busy = (
            select(other.c.id)
            .where(
                other.c.kind == ALERTMANAGER,
                other.c.target == t.target,
                other.c.status == "pending",
                other.c.lease_until > now,
            )
            .exists()
        )
        due = (
            select(t.id)
            .where(t.status == "pending", t.next_attempt_at <= now, free)
            .where(or_(t.kind != ALERTMANAGER, ~gate_busy))
            .order_by(t.next_attempt_at, t.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list((await self.session.scalars(due)).all())
        if not ids:
            return []
        claimed = await self.session.scalars(
            update(t)
            .where(t.id.in_(ids), t.status == "pending", free)
            .values(lease_until=lease_until, lease_token=token)
            .returning(t)
        )
        return sorted(claimed.all(), key=lambda row: row.id)

    async def supersede(self, kind: str, target: str, before_id: int, now: datetime) -> int:
        """Older pending rows of a gate that a newer one replaces (its whole state)."""
        t = NotificationOutbox
        result = await self.session.execute(
            update(t)
            .where(t.kind == kind, t.target == target, t.id < before_id, t.status == "pending")
            .values(status="superseded", lease_until=None, lease_token=None, attempted_at=now)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def finish(self, row_id: int, token: str, values: dict[str, Any]) -> bool:
        """Record an attempt's outcome, if the lease is still ours."""
        t = NotificationOutbox
        result = await self.session.execute(
            update(t)
            .where(t.id == row_id, t.lease_token == token)
            .values(lease_until=None, lease_token=None, **values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def release(self, token: str) -> None:
        """Give back what a stopping dispatcher still held, for another to take at once."""
        t = NotificationOutbox
        await self.session.execute(
            update(t).where(t.lease_token == token).values(lease_until=None, lease_token=None)
        )

    async def any_finished(self, before: datetime) -> bool:
        t = NotificationOutbox
        old = select(t.id).where(t.status != "pending", t.created_at < before).limit(1)
        return (await self.session.scalar(old)) is not None

    async def prune(self, before: datetime, limit: int) -> int:
        """Forget up to `limit` finished deliveries queued before `before` (a bounded batch:
        the SQLite writer is never held long)."""
        t = NotificationOutbox
        done = (
            select(t.id)
            .where(t.status != "pending", t.created_at < before)
            .order_by(t.id)
            .limit(limit)
        )
        result = await self.session.execute(delete(t).where(t.id.in_(done)))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def deliveries(
        self, webhook_id: int, limit: int, before: int | None
    ) -> Sequence[NotificationOutbox]:
        t = NotificationOutbox
        query = select(t).where(t.webhook_id == webhook_id)
        if before is not None:
            query = query.where(t.id < before)
        rows = await self.session.scalars(query.order_by(t.id.desc()).limit(limit))
        return rows.all()

    async def counts(self) -> dict[str, int]:
        t = NotificationOutbox
        rows = await self.session.execute(select(t.status, func.count()).group_by(t.status))
        return {status: int(n) for status, n in rows.all()}

    async def alarmed_gates(self) -> Sequence[HeroGate]:
        rows = await self.session.scalars(
            select(HeroGate).where(and_(HeroGate.alarm_state != "normal")).order_by(HeroGate.slug)
        )
        return rows.all()
