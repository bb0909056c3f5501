"""The operator log (Open MCT's notebook): entries, their tags and their edit history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chiron.models.base import Base, BigId, JsonType, UTCDateTime


class LogEntry(Base):
    __tablename__ = "log_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # When what it describes happened (defaults to when it was written).
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JsonType)
    gate_slug: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(128))
    range_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    range_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The actor from the credential: `{subject, name, role, station}`.
    author: Mapped[dict[str, Any]] = mapped_column(JsonType)
    author_subject: Mapped[str] = mapped_column(String(255))
    author_name: Mapped[str | None] = mapped_column(String(255))
    # The timeline event (kind `log`) that shows it.
    event_id: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_log_entries_at_id", "at", "id"),)


class LogEntryTag(Base):
    """One row per (entry, tag): `?tag=` is an indexed lookup on every store."""

    __tablename__ = "log_entry_tags"

    entry_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("log_entries.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (Index("ix_log_entry_tags_tag", "tag"),)


class LogEntryEdit(Base):
    """What an entry said before an edit, and who changed it when."""

    __tablename__ = "log_entry_edits"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("log_entries.id", ondelete="CASCADE"), index=True
    )
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    editor: Mapped[dict[str, Any]] = mapped_column(JsonType)
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JsonType)
