"""Timeline events: gate transitions, deploys, incidents and notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chiron.models.base import Base, BigId, JsonType, UTCDateTime
from chiron.vocabulary import EventSeverity


class TimelineEvent(Base):
    __tablename__ = "timeline_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[EventSeverity] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    gate_slug: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(128))
    attrs: Mapped[dict[str, Any] | None] = mapped_column(JsonType)

    __table_args__ = (
        # Newest-first keyset pagination: (ts, id) < cursor.
        Index("ix_timeline_events_ts_id", "ts", "id"),
        # A gate's history as of a time (GET /api/v1/gates?at=).
        Index("ix_timeline_events_gate_ts_id", "gate_slug", "ts", "id"),
    )
