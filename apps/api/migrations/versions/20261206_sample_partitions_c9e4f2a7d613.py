"""samples and rollups in time partitions (PostgreSQL)

Revision ID: c9e4f2a7d613
Revises: c3d9e5f7a1b2
Create Date: 2026-12-06 06:00:00.000000

On PostgreSQL `telemetry_samples` becomes a table partitioned by RANGE (ts), one partition
per UTC day plus a DEFAULT partition for rows outside them, and `sample_rollups` one
partitioned by LIST (resolution_s) whose 10 s and 1 min partitions are partitioned again by
RANGE (bucket_start), daily, each with its DEFAULT (the 10 min and 1 h rollups, one row per
series per bucket, stay one table each). Retention then drops whole days
(chiron.telemetry.stores.postgres). Every existing row is copied over in the migration's
transaction: a partition for each day of the last 400 that holds rows, and for yesterday
to three days ahead (the prune job keeps creating them ahead); older rows go to the default
partitions, from which retention deletes them in batches. The samples' primary key becomes
(id, ts) (a partitioned table's unique keys must hold its partition keys; the rollups' key
already does); the id sequence is kept, so ids stay unique and increasing. Rollup leaves
keep fillfactor 70 (3b1f9e2a6c10). SQLite keeps its two plain tables.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "c9e4f2a7d613"
down_revision: str | Sequence[str] | None = "c3d9e5f7a1b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SAMPLE_COLUMNS = "id, source, metric, value, unit, ts, received_at, attrs"
_SAMPLES = """
    id bigint NOT NULL DEFAULT nextval('telemetry_samples_id_seq'::regclass),
    source varchar(128) NOT NULL,
    metric varchar(128) NOT NULL,
    value double precision NOT NULL,
    unit varchar(32),
    ts timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    attrs jsonb,
"""
_ROLLUP_COLUMNS = "source, metric, resolution_s, bucket_start, min, max, sum, count"
_ROLLUPS = """
    source varchar(128) NOT NULL,
    metric varchar(128) NOT NULL,
    resolution_s integer NOT NULL,
    bucket_start timestamptz NOT NULL,
    min double precision NOT NULL,
    max double precision NOT NULL,
    sum double precision NOT NULL,
    count integer NOT NULL,
    CONSTRAINT pk_sample_rollups PRIMARY KEY (source, metric, resolution_s, bucket_start)
"""
_FILL = " WITH (fillfactor = 70)"
_DAILY_ROLLUPS = (10, 60)
_WHOLE_ROLLUPS = (600, 3600)
_DAYS_WITH_DATA = 400
_AHEAD = 3


def _day(parent: str, day: date, storage: str = "") -> str:
    lo = datetime(day.year, day.month, day.day, tzinfo=UTC)
    hi = lo + timedelta(days=1)
    return (
        f"CREATE TABLE {parent}_p{day:%Y%m%d} PARTITION OF {parent} "
        f"FOR VALUES FROM ('{lo.isoformat()}') TO ('{hi.isoformat()}'){storage}"
    )


def _days(query: str, **params: object) -> list[date]:
    """Days with data in the last 400 (and after), and yesterday to three days ahead."""
    today = datetime.now(UTC).date()
    days = {today + timedelta(days=offset) for offset in range(-1, _AHEAD + 1)}
    since = datetime.now(UTC) - timedelta(days=_DAYS_WITH_DATA)
    days.update(d for (d,) in op.get_bind().execute(sa.text(query), {"since": since, **params}))
    return sorted(days)


def _rename(table: str, index: str, suffix: str) -> None:
    op.execute(f"ALTER TABLE {table} RENAME TO {table}_{suffix}")
    op.execute(f"ALTER TABLE {table}_{suffix} RENAME CONSTRAINT pk_{table} TO pk_{table}_{suffix}")
    op.execute(f"ALTER INDEX {index} RENAME TO {index}_{suffix}")


def upgrade() -> None:
    """Upgrade schema."""
    if op.get_bind().dialect.name != "postgresql":
        return
    # Samples: daily RANGE partitions on ts.
    _rename("telemetry_samples", "ix_telemetry_samples_series_ts", "unpartitioned")
    op.execute(
        f"CREATE TABLE telemetry_samples ({_SAMPLES}"
        "    CONSTRAINT pk_telemetry_samples PRIMARY KEY (id, ts)"
        ") PARTITION BY RANGE (ts)"
    )
    op.execute("ALTER SEQUENCE telemetry_samples_id_seq OWNED BY telemetry_samples.id")
    op.execute(
        "CREATE INDEX ix_telemetry_samples_series_ts ON telemetry_samples (source, metric, ts)"
    )
    op.execute("CREATE TABLE telemetry_samples_default PARTITION OF telemetry_samples DEFAULT")
    for day in _days(
        "SELECT DISTINCT (ts AT TIME ZONE 'UTC')::date FROM telemetry_samples_unpartitioned "
        "WHERE ts >= :since"
    ):
        op.execute(_day("telemetry_samples", day))
    op.execute(
        f"INSERT INTO telemetry_samples ({_SAMPLE_COLUMNS}) "  # noqa: S608 - constants
        f"SELECT {_SAMPLE_COLUMNS} FROM telemetry_samples_unpartitioned"
    )
    op.execute("DROP TABLE telemetry_samples_unpartitioned")

    # Rollups: LIST on the resolution; the fine ones daily RANGE partitions on bucket_start.
    _rename("sample_rollups", "ix_sample_rollups_resolution_bucket", "unpartitioned")
    op.execute(f"CREATE TABLE sample_rollups ({_ROLLUPS}) PARTITION BY LIST (resolution_s)")
    op.execute(
        "CREATE INDEX ix_sample_rollups_resolution_bucket "
        "ON sample_rollups (resolution_s, bucket_start)"
    )
    for res in _DAILY_ROLLUPS:
        parent = f"sample_rollups_r{res}"
        op.execute(
            f"CREATE TABLE {parent} PARTITION OF sample_rollups FOR VALUES IN ({res}) "
            "PARTITION BY RANGE (bucket_start)"
        )
        op.execute(f"CREATE TABLE {parent}_default PARTITION OF {parent} DEFAULT{_FILL}")
        for day in _days(
            "SELECT DISTINCT (bucket_start AT TIME ZONE 'UTC')::date "
            "FROM sample_rollups_unpartitioned WHERE resolution_s = :res AND bucket_start >= :since",
            res=res,
        ):
            op.execute(_day(parent, day, _FILL))
    for res in _WHOLE_ROLLUPS:
        op.execute(
            f"CREATE TABLE sample_rollups_r{res} PARTITION OF sample_rollups "
            f"FOR VALUES IN ({res}){_FILL}"
        )
    op.execute(f"CREATE TABLE sample_rollups_rdefault PARTITION OF sample_rollups DEFAULT{_FILL}")
    op.execute(
        f"INSERT INTO sample_rollups ({_ROLLUP_COLUMNS}) "  # noqa: S608 - constants
        f"SELECT {_ROLLUP_COLUMNS} FROM sample_rollups_unpartitioned"
    )
    op.execute("DROP TABLE sample_rollups_unpartitioned")
    op.execute("ANALYZE telemetry_samples")
    op.execute("ANALYZE sample_rollups")


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name != "postgresql":
        return
    _rename("telemetry_samples", "ix_telemetry_samples_series_ts", "partitioned")
    op.execute(
        f"CREATE TABLE telemetry_samples ({_SAMPLES}"
        "    CONSTRAINT pk_telemetry_samples PRIMARY KEY (id))"
    )
    op.execute("ALTER SEQUENCE telemetry_samples_id_seq OWNED BY telemetry_samples.id")
    op.execute(
        f"INSERT INTO telemetry_samples ({_SAMPLE_COLUMNS}) "  # noqa: S608 - constants
        f"SELECT {_SAMPLE_COLUMNS} FROM telemetry_samples_partitioned"
    )
    op.execute("DROP TABLE telemetry_samples_partitioned")
    op.execute(
        "CREATE INDEX ix_telemetry_samples_series_ts ON telemetry_samples (source, metric, ts)"
    )

    _rename("sample_rollups", "ix_sample_rollups_resolution_bucket", "partitioned")
    op.execute(f"CREATE TABLE sample_rollups ({_ROLLUPS}){_FILL}")
    op.execute(
        f"INSERT INTO sample_rollups ({_ROLLUP_COLUMNS}) "  # noqa: S608 - constants
        f"SELECT {_ROLLUP_COLUMNS} FROM sample_rollups_partitioned"
    )
    op.execute("DROP TABLE sample_rollups_partitioned")
    op.execute(
        "CREATE INDEX ix_sample_rollups_resolution_bucket "
        "ON sample_rollups (resolution_s, bucket_start)"
    )
