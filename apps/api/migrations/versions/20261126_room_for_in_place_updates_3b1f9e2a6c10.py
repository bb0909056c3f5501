"""room for in-place updates of rollups and latest values

Revision ID: 3b1f9e2a6c10
Revises: 8d4c6b7c3948
Create Date: 2026-11-26 21:20:00.000000

Every ingest updates a few hundred `sample_rollups` and `metric_latest` rows. With full pages
PostgreSQL writes each new row version to another page and adds entries to every index; with
room on the page the update is HOT (same page, no index writes). SQLite has no such option.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "3b1f9e2a6c10"
down_revision: str | Sequence[str] | None = "8d4c6b7c3948"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("sample_rollups", "metric_latest")


def upgrade() -> None:
    """Upgrade schema."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} SET (fillfactor = 70)")


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} RESET (fillfactor)")
