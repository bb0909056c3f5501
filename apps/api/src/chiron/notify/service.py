"""Webhook rules: create (secret generated when absent, shown once), list, delete, ping,
and the delivery log (newest first, cursor-paginated)."""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import TYPE_CHECKING

from chiron.auth.principal import Actor
from chiron.errors import InvalidInput, NotFound
from chiron.kit.time import utcnow
from chiron.models import NotificationOutbox, Webhook
from chiron.notify.outbox import Notifier, row
from chiron.notify.repository import WEBHOOK, NotifyRepository
from chiron.notify.schemas import (
    DeliveryOut,
    DeliveryPage,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhookOut,
)
from chiron.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def _not_found(webhook_id: int) -> NotFound:
    return NotFound(
        f"No webhook {webhook_id}", code="webhook_not_found", details={"webhook": webhook_id}
    )


async def create(uow: UnitOfWork, data: WebhookCreate, actor: Actor) -> WebhookCreated:
    secret = data.secret or f"whsec_{secrets.token_urlsafe(32)}"
    hook = await NotifyRepository(await uow.begin()).add_webhook(
        Webhook(
            url=data.url,
            events=list(data.events),
            secret=secret,
            created_at=utcnow(),
            created_by=actor.as_dict(),
        )
    )
    return WebhookCreated(**WebhookOut.model_validate(hook).model_dump(), secret=secret)


async def list_webhooks(session: AsyncSession) -> WebhookList:
    hooks = await NotifyRepository(session).webhooks()
    return WebhookList(items=[WebhookOut.model_validate(h) for h in hooks])


async def delete(uow: UnitOfWork, webhook_id: int) -> None:
    if not await NotifyRepository(await uow.begin()).delete_webhook(webhook_id):
        raise _not_found(webhook_id)


async def ping(uow: UnitOfWork, webhook_id: int, notifier: Notifier | None) -> DeliveryOut:
    """Queue a `ping` to this webhook alone, delivered like any other event."""
    repo = NotifyRepository(await uow.begin())
    hook = await repo.webhook(webhook_id)
    if hook is None:
        raise _not_found(webhook_id)
    now = utcnow()
    values = row(
        kind=WEBHOOK,
        target=str(hook.id),
        webhook_id=hook.id,
        event="ping",
        payload={"type": "ping", "webhook": hook.id, "events": hook.events},
        now=now,
    )
    await repo.add([values])
    if notifier is not None:
        uow.after_commit(notifier.wake_up)
    return _delivery(NotificationOutbox(**values))


def _cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(str(row_id).encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        value = int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        value = 0
    if not 0 < value < 2**63:
        raise InvalidInput(
            "The cursor is not valid", code="invalid_cursor", details={"before": cursor}
        )
    return value


async def deliveries(
    session: AsyncSession, webhook_id: int, limit: int, before: str | None
) -> DeliveryPage:
    repo = NotifyRepository(session)
    if await repo.webhook(webhook_id) is None:
        raise _not_found(webhook_id)
    rows = await repo.deliveries(webhook_id, limit + 1, _decode(before) if before else None)
    items = list(rows[:limit])
    return DeliveryPage(
        items=[_delivery(r) for r in items],
        next_cursor=_cursor(items[-1].id) if len(rows) > limit and items else None,
    )


def _delivery(r: NotificationOutbox) -> DeliveryOut:
    return DeliveryOut(
        id=r.delivery_id,
        event=r.event,
        status=r.status,
        attempts=r.attempts,
        last_error=r.last_error,
        response=r.response,
        created_at=r.created_at,
        next_attempt_at=r.next_attempt_at,
        attempted_at=r.attempted_at,
        delivered_at=r.delivered_at,
    )
