"""drop hero_gates.pending_status, which nothing ever wrote or read

Revision ID: 5c2d8e1f4a90
Revises: 3b1f9e2a6c10
Create Date: 2026-12-02 01:40:00.000000

A gate's pending worsening is its `violations` count; `pending_status` was never used.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "5c2d8e1f4a90"
down_revision: str | Sequence[str] | None = "3b1f9e2a6c10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("hero_gates") as batch:
        batch.drop_column("pending_status")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("hero_gates") as batch:
        batch.add_column(sa.Column("pending_status", sa.String(length=8), nullable=True))
