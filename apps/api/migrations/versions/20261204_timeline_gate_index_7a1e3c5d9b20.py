"""a gate's timeline events by time

Revision ID: 7a1e3c5d9b20
Revises: 5c2d7e9a4b18
Create Date: 2026-12-04 06:00:00.000000

Looking back (`GET /api/v1/gates?at=`) reads each gate's latest transition and staleness
event at or before a time: one index probe per gate instead of a scan of the timeline.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "7a1e3c5d9b20"
down_revision: str | Sequence[str] | None = "5c2d7e9a4b18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index("ix_timeline_events_gate_ts_id", "timeline_events", ["gate_slug", "ts", "id"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_timeline_events_gate_ts_id", table_name="timeline_events")
