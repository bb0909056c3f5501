"""notifications: webhooks and the delivery outbox

Revision ID: c3d9e5f7a1b2
Revises: b7c4e2d1f3a8
Create Date: 2026-12-06 06:00:00.000000

Webhook subscriptions and the store-backed outbox of deliveries (to webhooks and to
Alertmanager). New tables only: nothing existing changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "c3d9e5f7a1b2"
down_revision: str | Sequence[str] | None = "b7c4e2d1f3a8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "webhooks",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("events", _JSON, nullable=False),
        sa.Column("secret", sa.String(length=255), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", _JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    op.create_table(
        "notification_outbox",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("delivery_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("webhook_id", _ID, nullable=True),
        sa.Column("target", sa.String(length=128), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("payload", _JSON, nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TS, nullable=False),
        sa.Column("lease_until", _TS, nullable=True),
        sa.Column("lease_token", sa.String(length=40), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("attempted_at", _TS, nullable=True),
        sa.Column("delivered_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name=op.f("fk_notification_outbox_webhook_id_webhooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_outbox")),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_notification_outbox_delivery_id")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notification_outbox_dedupe_key")),
    )
    op.create_index(
        "ix_notification_outbox_status_next",
        "notification_outbox",
        ["status", "next_attempt_at"],
    )
    op.create_index(
        "ix_notification_outbox_webhook_id", "notification_outbox", ["webhook_id", "id"]
    )
    op.create_index(
        "ix_notification_outbox_kind_target",
        "notification_outbox",
        ["kind", "target", "status"],
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_notification_outbox_kind_target", table_name="notification_outbox")
    op.drop_index("ix_notification_outbox_webhook_id", table_name="notification_outbox")
    op.drop_index("ix_notification_outbox_status_next", table_name="notification_outbox")
    op.drop_table("notification_outbox")
    op.drop_table("webhooks")
