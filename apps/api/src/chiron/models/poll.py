"""Readiness polls (GO / NO-GO): the poll, and every answer a station gave."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chiron.models.base import Base, BigId, JsonType, UTCDateTime


class Poll(Base):
    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    question: Mapped[str] = mapped_column(Text)
    stations: Mapped[list[str]] = mapped_column(JsonType)
    gates: Mapped[list[str]] = mapped_column(JsonType)
    state: Mapped[str] = mapped_column(String(8), default="open")  # open | closed
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by: Mapped[dict[str, Any]] = mapped_column(JsonType)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[dict[str, Any] | None] = mapped_column(JsonType)  # None: by time
    outcome: Mapped[str | None] = mapped_column(String(8))  # go | no-go
    reasons: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)

    __table_args__ = (
        # The closing job finds open polls due.
        Index("ix_polls_state_closes_at", "state", "closes_at"),
    )


class PollAnswer(Base):
    """Every answer is kept; a station's latest one counts."""

    __tablename__ = "poll_answers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    poll_id: Mapped[int] = mapped_column(BigId, ForeignKey("polls.id", ondelete="CASCADE"))
    station: Mapped[str] = mapped_column(String(32))
    answer: Mapped[str] = mapped_column(String(8))  # go | no-go | abstain
    comment: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[dict[str, Any]] = mapped_column(JsonType)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_poll_answers_poll_station_id", "poll_id", "station", "id"),)
