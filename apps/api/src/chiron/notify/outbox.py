"""Putting notifications in the outbox, inside the transaction of the change they announce.

`Notifier.on_commit` is a commit hook of the unit of work (`Database.commit_hooks`): it sees
every stream message a unit is about to commit and adds one outbox row per webhook that
subscribes to its event, and, with Alertmanager configured, one row per alarm change. So
no domain can forget to notify, a rollback sends nothing, and a commit loses nothing.
The payload is the stream event's own JSON (`TelemetryPayload`), so a webhook receiver
reads what the dashboard reads. Ingest pays one small SELECT (the webhooks) and an INSERT,
only in batches that changed a gate or an alarm; delivery happens elsewhere (dispatcher).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from chiron.config import Settings
from chiron.gates.alarms import gate_alarm
from chiron.kit.time import utcnow
from chiron.models import Webhook
from chiron.notify.repository import ALERTMANAGER, WEBHOOK, NotifyRepository
from chiron.stream.messages import Message
from chiron.uow import UnitOfWork

# The events a webhook may subscribe to: the stream's own event names.
EVENTS: tuple[str, ...] = ("alarm", "gate", "poll", "log")
_EVENTS = frozenset(EVENTS)


def row(
    *,
    kind: str,
    target: str,
    event: str,
    payload: dict[str, Any],
    now: datetime,
    webhook_id: int | None = None,
    dedupe_key: str | None = None,
) -> dict[str, Any]:
    return {
        "delivery_id": uuid.uuid4().hex,
        "kind": kind,
        "webhook_id": webhook_id,
        "target": target[:128],
        "event": event,
        "payload": payload,
        "dedupe_key": dedupe_key,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


async def enqueue(
    uow: UnitOfWork,
    event: str,
    payload: dict[str, Any],
    settings: Settings,
    webhooks: Sequence[Webhook] | None = None,
) -> int:
    """Queue `payload` for every webhook subscribed to `event` (and, for an alarm, for
    Alertmanager) in the unit's transaction. Returns the rows added. `webhooks`: the
    subscriptions, when the caller already read them."""
    session = await uow.begin()
    repo = NotifyRepository(session)
    now = utcnow()
    if webhooks is None:
        webhooks = await repo.webhooks()
    rows = [
        row(
            kind=WEBHOOK,
            target=str(hook.id),
            webhook_id=hook.id,
            event=event,
            payload=payload,
            now=now,
        )
        for hook in webhooks
        if event in hook.events
    ]
    if event == "alarm" and settings.alertmanager_url:
        alarm = payload["alarm"]
        rows.append(
            row(kind=ALERTMANAGER, target=alarm["gate"], event=event, payload=alarm, now=now)
        )
    await repo.add(rows)
    return len(rows)


class Notifier:
    """The commit hook, and the wake-up call to this process's dispatcher."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.wake = asyncio.Event()

    async def on_commit(self, uow: UnitOfWork, messages: Sequence[Message]) -> None:
        wanted = [m for m in messages if m.type in _EVENTS]
        if not wanted:
            return
        webhooks = await NotifyRepository(await uow.begin()).webhooks()
        added = 0
        for message in wanted:
            payload = json.loads(message.encode())
            added += await enqueue(uow, message.type, payload, self.settings, webhooks)
        if added:
            uow.after_commit(self.wake_up)

    async def wake_up(self) -> None:
        self.wake.set()


async def resend_active(uow: UnitOfWork, settings: Settings) -> int:
    """Re-post every active alarm to Alertmanager (it resolves an alert it has not heard of
    for `resolve_timeout`). One row per gate and interval whichever replica runs first: the
    dedupe key names the interval."""
    if not settings.alertmanager_url:
        return 0
    session = await uow.begin()
    repo = NotifyRepository(session)
    now = utcnow()
    tick = int(now.timestamp() // settings.alertmanager_resend_s)
    added = 0
    for gate in await repo.alarmed_gates():
        payload = gate_alarm(gate).model_dump(mode="json")
        added += await repo.add_once(
            row(
                kind=ALERTMANAGER,
                target=gate.slug,
                event="alarm",
                payload=payload,
                now=now,
                dedupe_key=f"am-resend:{gate.slug}:{tick}",
            )
        )
    return added


PRUNE_BATCH = 1000


async def prune(uow: UnitOfWork, settings: Settings) -> int:
    """Keep the delivery log bounded: finished deliveries older than `notify_keep_s` go, a
    batch per run (every replica may run it: a DELETE twice deletes once)."""
    before = utcnow() - timedelta(seconds=settings.notify_keep_s)
    async with uow.db.readers() as session:  # most runs find nothing: no writer taken
        if not await NotifyRepository(session).any_finished(before):
            return 0
    return await NotifyRepository(await uow.begin()).prune(before, PRUNE_BATCH)
