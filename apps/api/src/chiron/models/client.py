"""API clients: devices and integrations holding a hashed API key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from chiron.models.base import Base, JsonType, UTCDateTime


class ApiClient(Base):
    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    # HMAC-SHA256(pepper[pepper_version], secret), hex. The secret itself is never stored.
    secret_hash: Mapped[str] = mapped_column(String(64))
    pepper_version: Mapped[int] = mapped_column(Integer, default=1)
    scopes: Mapped[list[str]] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Shell-style source patterns a device key may write (samples and timeline events);
    # None: any source.
    sources: Mapped[list[str] | None] = mapped_column(JsonType)
