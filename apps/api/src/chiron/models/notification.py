"""Notifications: webhook subscriptions, and the outbox every delivery waits in.

An outbox row is written in the same transaction as the change it announces (a rollback
sends nothing, a commit loses nothing); the dispatcher claims due rows with a lease,
delivers them and records the outcome on the row, which is the delivery log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chiron.models.base import Base, BigId, JsonType, UTCDateTime


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(JsonType)
    # Kept as given: it signs every delivery (HMAC needs the key itself, not a digest).
    secret: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[dict[str, Any] | None] = mapped_column(JsonType)


class NotificationOutbox(Base):
    __tablename__ = "notification_outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # The receivers' idempotency key (`Chiron-Delivery`), stable across retries.
    delivery_id: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # alertmanager | webhook
    # A webhook's deliveries name it (and go when it goes); Alertmanager's name the gate.
    webhook_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("webhooks.id", ondelete="CASCADE")
    )
    target: Mapped[str] = mapped_column(String(128))
    event: Mapped[str] = mapped_column(String(16))  # alarm | gate | poll | log | ping
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType)
    # Unique when set: one periodic re-post per gate and interval, however many replicas.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_token: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
    response: Mapped[str | None] = mapped_column(Text)  # e.g. HTTP 204, a silence id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        # The dispatcher's claim: pending rows by due time.
        Index("ix_notification_outbox_status_next", "status", "next_attempt_at"),
        # A webhook's delivery log, newest first.
        Index("ix_notification_outbox_webhook_id", "webhook_id", "id"),
        # Alertmanager rows of one gate go in order (the newest supersedes the rest).
        Index("ix_notification_outbox_kind_target", "kind", "target", "status"),
    )
