"""Answers to ingest batches, kept by Idempotency-Key so a retry is stored once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from chiron.models.base import Base, JsonType, UTCDateTime


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"

    # Scoped to the principal: two clients may pick the same key.
    principal: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
