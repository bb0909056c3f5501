"""Raw telemetry samples, their latest value per series, and time-bucket rollups."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from chiron.models.base import Base, BigId, JsonType, UTCDateTime

# On PostgreSQL (migration c9e4f2a7d613, chiron.telemetry.stores.postgres) the samples are
# partitioned by RANGE (ts), one partition per UTC day and a DEFAULT one, primary key
# (id, ts); the rollups by LIST (resolution_s), the 10 s and 1 min ones again by day of
# bucket_start. The partitions are not models: schema comparisons skip them.
SAMPLE_PARTITION = re.compile(
    r"^(telemetry_samples_(p\d{8}|default)|sample_rollups_r(\d+|default)(_p\d{8}|_default)?)$"
)


def is_sample_partition(name: str | None) -> bool:
    return name is not None and SAMPLE_PARTITION.match(name) is not None


class TelemetrySample(Base):
    __tablename__ = "telemetry_samples"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(128))
    metric: Mapped[str] = mapped_column(String(128))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attrs: Mapped[dict[str, Any] | None] = mapped_column(JsonType)

    __table_args__ = (
        # Time ranges per series (raw series reads of short ranges).
        Index("ix_telemetry_samples_series_ts", "source", "metric", "ts"),
    )


class MetricLatest(Base):
    """The latest sample per source+metric, kept at ingest so the summary never scans samples."""

    __tablename__ = "metric_latest"

    source: Mapped[str] = mapped_column(String(128), primary_key=True)
    metric: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Smoothed seconds between reports; the default stale threshold is a few of these.
    cadence_s: Mapped[float | None] = mapped_column(Float)
    sample_count: Mapped[int] = mapped_column(Integer, default=0)
    stale: Mapped[bool] = mapped_column(default=False)


class SampleRollup(Base):
    """min / max / sum / count per series per time bucket, at a few resolutions."""

    __tablename__ = "sample_rollups"

    source: Mapped[str] = mapped_column(String(128), primary_key=True)
    metric: Mapped[str] = mapped_column(String(128), primary_key=True)
    resolution_s: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    min: Mapped[float] = mapped_column(Float)
    max: Mapped[float] = mapped_column(Float)
    sum: Mapped[float] = mapped_column(Float)
    count: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        # The summary's sparklines: every series' recent buckets at one resolution.
        Index("ix_sample_rollups_resolution_bucket", "resolution_s", "bucket_start"),
    )
