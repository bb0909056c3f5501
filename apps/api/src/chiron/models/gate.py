"""Hero gates: named go / hold / no-go checkpoints over one source+metric."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chiron.models.base import Base, JsonType, UTCDateTime
from chiron.vocabulary import Direction, GateStatus


class HeroGate(Base):
    __tablename__ = "hero_gates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(128))
    metric: Mapped[str] = mapped_column(String(128))
    warn: Mapped[float] = mapped_column(Float)
    critical: Mapped[float] = mapped_column(Float)
    direction: Mapped[Direction] = mapped_column(String(8), default="above")
    hysteresis: Mapped[float] = mapped_column(Float, default=0.0)
    min_violations: Mapped[int] = mapped_column(Integer, default=1)
    stale_after_s: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)

    status: Mapped[GateStatus] = mapped_column(String(8), default="go")
    value: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    # Consecutive samples beyond a threshold while the status has not yet worsened.
    violations: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stale: Mapped[bool] = mapped_column(default=False)

    # The gate's alarm (gates/alarm_rules.py): its state, the latched peak, the operators'
    # latest actions. Actors are `{subject, name, role, station}` objects.
    alarm_state: Mapped[str] = mapped_column(String(16), default="normal")
    alarm_trigger: Mapped[str | None] = mapped_column(String(8))
    alarm_latched: Mapped[str | None] = mapped_column(String(8))
    alarm_peak_value: Mapped[float | None] = mapped_column(Float)
    alarm_peak_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alarm_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alarm_acked_by: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    alarm_acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alarm_comment: Mapped[str | None] = mapped_column(Text)
    alarm_shelved_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alarm_shelved_by: Mapped[dict[str, Any] | None] = mapped_column(JsonType)

    # Ingest finds the gates watching each series of a batch.
    __table_args__ = (
        Index("ix_hero_gates_series", "source", "metric"),
        # The shelf-expiry job finds shelved alarms due.
        Index("ix_hero_gates_alarm_shelved_until", "alarm_shelved_until"),
    )
