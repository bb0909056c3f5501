"""operator log and readiness polls

Revision ID: b7c4e2d1f3a8
Revises: a1a2b3c4d5e6
Create Date: 2026-12-05 06:00:00.000000

The operator log (entries, their tags, their edit history) and GO / NO-GO polls (the poll
and every answer). New tables only: nothing existing changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "b7c4e2d1f3a8"
down_revision: str | Sequence[str] | None = "a1a2b3c4d5e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "log_entries",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("edited_at", _TS, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", _JSON, nullable=False),
        sa.Column("gate_slug", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=128), nullable=True),
        sa.Column("range_from", _TS, nullable=True),
        sa.Column("range_to", _TS, nullable=True),
        sa.Column("author", _JSON, nullable=False),
        sa.Column("author_subject", sa.String(length=255), nullable=False),
        sa.Column("author_name", sa.String(length=255), nullable=True),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_entries")),
    )
    op.create_index("ix_log_entries_at_id", "log_entries", ["at", "id"])
    op.create_table(
        "log_entry_tags",
        sa.Column("entry_id", _ID, nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["log_entries.id"],
            name=op.f("fk_log_entry_tags_entry_id_log_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "tag", name=op.f("pk_log_entry_tags")),
    )
    op.create_index("ix_log_entry_tags_tag", "log_entry_tags", ["tag"])
    op.create_table(
        "log_entry_edits",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("entry_id", _ID, nullable=False),
        sa.Column("edited_at", _TS, nullable=False),
        sa.Column("editor", _JSON, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["log_entries.id"],
            name=op.f("fk_log_entry_edits_entry_id_log_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_entry_edits")),
    )
    op.create_index(op.f("ix_log_entry_edits_entry_id"), "log_entry_edits", ["entry_id"])
    op.create_table(
        "polls",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("stations", _JSON, nullable=False),
        sa.Column("gates", _JSON, nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("opened_at", _TS, nullable=False),
        sa.Column("opened_by", _JSON, nullable=False),
        sa.Column("closes_at", _TS, nullable=True),
        sa.Column("closed_at", _TS, nullable=True),
        sa.Column("closed_by", _JSON, nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=True),
        sa.Column("reasons", _JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
    )
    op.create_index("ix_polls_state_closes_at", "polls", ["state", "closes_at"])
    op.create_table(
        "poll_answers",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("poll_id", _ID, nullable=False),
        sa.Column("station", sa.String(length=32), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("actor", _JSON, nullable=False),
        sa.Column("answered_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_poll_answers_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_answers")),
    )
    op.create_index("ix_poll_answers_poll_station_id", "poll_answers", ["poll_id", "station", "id"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_poll_answers_poll_station_id", table_name="poll_answers")
    op.drop_table("poll_answers")
    op.drop_index("ix_polls_state_closes_at", table_name="polls")
    op.drop_table("polls")
    op.drop_index(op.f("ix_log_entry_edits_entry_id"), table_name="log_entry_edits")
    op.drop_table("log_entry_edits")
    op.drop_index("ix_log_entry_tags_tag", table_name="log_entry_tags")
    op.drop_table("log_entry_tags")
    op.drop_index("ix_log_entries_at_id", table_name="log_entries")
    op.drop_table("log_entries")
