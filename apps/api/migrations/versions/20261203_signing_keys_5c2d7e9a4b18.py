"""signing keys kept in the store

Revision ID: 5c2d7e9a4b18
Revises: 5c2d8e1f4a90
Create Date: 2026-12-03 09:00:00.000000

The development identity provider's RSA key is generated once (by `cryptography`) and kept
here, so every replica sharing the store mints and accepts the same assertions.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "5c2d7e9a4b18"
down_revision: str | Sequence[str] | None = "5c2d8e1f4a90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "signing_keys",
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("purpose", name=op.f("pk_signing_keys")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("signing_keys")
