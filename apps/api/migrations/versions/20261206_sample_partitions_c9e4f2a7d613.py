"""samples in daily time partitions (PostgreSQL)

Revision ID: c9e4f2a7d613
Revises: b7c4e2d1f3a8
Create Date: 2026-12-06 06:00:00.000000

On PostgreSQL `telemetry_samples` becomes a table partitioned by RANGE (ts), one partition
per UTC day, plus a DEFAULT partition for rows outside them; retention then drops whole
days (chiron.telemetry.stores.postgres). Every existing sample is copied over in the
migration's transaction: a partition for each day of the last 400 that holds samples, and
for yesterday to three days ahead (the prune job keeps creating them ahead); older rows go
to the default partition, from which retention deletes them in batches. The primary key
becomes (id, ts): a partitioned table's unique keys must hold the partition key. The id
sequence is kept, so ids stay unique and increasing. SQLite keeps its one table.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "c9e4f2a7d613"
down_revision: str | Sequence[str] | None = "b7c4e2d1f3a8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "id, source, metric, value, unit, ts, received_at, attrs"
_DEFINITION = """
    id bigint NOT NULL DEFAULT nextval('telemetry_samples_id_seq'::regclass),
    source varchar(128) NOT NULL,
    metric varchar(128) NOT NULL,
    value double precision NOT NULL,
    unit varchar(32),
    ts timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    attrs jsonb,
"""
_DAYS_WITH_DATA = 400
_AHEAD = 3


def _partition(day: date) -> str:
    lo = datetime(day.year, day.month, day.day, tzinfo=UTC)
    hi = lo + timedelta(days=1)
    return (
        f"CREATE TABLE telemetry_samples_p{day:%Y%m%d} PARTITION OF telemetry_samples "
        f"FOR VALUES FROM ('{lo.isoformat()}') TO ('{hi.isoformat()}')"
    )


def upgrade() -> None:
    """Upgrade schema."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE telemetry_samples RENAME TO telemetry_samples_unpartitioned")
    op.execute(
        "ALTER TABLE telemetry_samples_unpartitioned "
        "RENAME CONSTRAINT pk_telemetry_samples TO pk_telemetry_samples_unpartitioned"
    )
    op.execute(
        "ALTER INDEX ix_telemetry_samples_series_ts "
        "RENAME TO ix_telemetry_samples_unpartitioned_series_ts"
    )
    op.execute(
        f"CREATE TABLE telemetry_samples ({_DEFINITION}"
        "    CONSTRAINT pk_telemetry_samples PRIMARY KEY (id, ts)"
        ") PARTITION BY RANGE (ts)"
    )
    op.execute("ALTER SEQUENCE telemetry_samples_id_seq OWNED BY telemetry_samples.id")
    op.execute(
        "CREATE INDEX ix_telemetry_samples_series_ts ON telemetry_samples (source, metric, ts)"
    )
    op.execute("CREATE TABLE telemetry_samples_default PARTITION OF telemetry_samples DEFAULT")
    today = datetime.now(UTC).date()
    days = {today + timedelta(days=offset) for offset in range(-1, _AHEAD + 1)}
    with_data = op.get_bind().execute(
        sa.text(
            "SELECT DISTINCT (ts AT TIME ZONE 'UTC')::date FROM telemetry_samples_unpartitioned "
            "WHERE ts >= :since"
        ),
        {"since": datetime.now(UTC) - timedelta(days=_DAYS_WITH_DATA)},
    )
    days.update(day for (day,) in with_data)
    for day in sorted(days):
        op.execute(_partition(day))
    op.execute(
        f"INSERT INTO telemetry_samples ({_COLUMNS}) "  # noqa: S608 - constants
        f"SELECT {_COLUMNS} FROM telemetry_samples_unpartitioned"
    )
    op.execute("DROP TABLE telemetry_samples_unpartitioned")
    op.execute("ANALYZE telemetry_samples")


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE telemetry_samples RENAME TO telemetry_samples_partitioned")
    op.execute(
        "ALTER TABLE telemetry_samples_partitioned "
        "RENAME CONSTRAINT pk_telemetry_samples TO pk_telemetry_samples_partitioned"
    )
    op.execute(
        "ALTER INDEX ix_telemetry_samples_series_ts "
        "RENAME TO ix_telemetry_samples_partitioned_series_ts"
    )
    op.execute(
        f"CREATE TABLE telemetry_samples ({_DEFINITION}"
        "    CONSTRAINT pk_telemetry_samples PRIMARY KEY (id))"
    )
    op.execute("ALTER SEQUENCE telemetry_samples_id_seq OWNED BY telemetry_samples.id")
    op.execute(
        f"INSERT INTO telemetry_samples ({_COLUMNS}) "  # noqa: S608 - constants
        f"SELECT {_COLUMNS} FROM telemetry_samples_partitioned"
    )
    op.execute("DROP TABLE telemetry_samples_partitioned")
    op.execute(
        "CREATE INDEX ix_telemetry_samples_series_ts ON telemetry_samples (source, metric, ts)"
    )
