"""alarms on gates, source-bound API keys

Revision ID: a1a2b3c4d5e6
Revises: 7a1e3c5d9b20
Create Date: 2026-12-04 06:00:00.000000

Every gate gets an alarm (state, latched peak, the operators' latest actions); an API key
may be bound to source patterns. Existing gates start `normal`; existing keys stay unbound.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "a1a2b3c4d5e6"
down_revision: str | Sequence[str] | None = "7a1e3c5d9b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("api_clients") as batch:
        batch.add_column(sa.Column("sources", _JSON, nullable=True))
    with op.batch_alter_table("hero_gates") as batch:
        batch.add_column(
            sa.Column("alarm_state", sa.String(length=16), nullable=False, server_default="normal")
        )
        batch.add_column(sa.Column("alarm_trigger", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("alarm_latched", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("alarm_peak_value", sa.Float(), nullable=True))
        batch.add_column(sa.Column("alarm_peak_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("alarm_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("alarm_acked_by", _JSON, nullable=True))
        batch.add_column(sa.Column("alarm_acked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("alarm_comment", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("alarm_shelved_until", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("alarm_shelved_by", _JSON, nullable=True))
        batch.create_index("ix_hero_gates_alarm_shelved_until", ["alarm_shelved_until"])
    # The server default only fills the existing rows; the models set the value.
    with op.batch_alter_table("hero_gates") as batch:
        batch.alter_column("alarm_state", server_default=None)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("hero_gates") as batch:
        batch.drop_index("ix_hero_gates_alarm_shelved_until")
        for column in (
            "alarm_shelved_by",
            "alarm_shelved_until",
            "alarm_comment",
            "alarm_acked_at",
            "alarm_acked_by",
            "alarm_since",
            "alarm_peak_at",
            "alarm_peak_value",
            "alarm_latched",
            "alarm_trigger",
            "alarm_state",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("api_clients") as batch:
        batch.drop_column("sources")
