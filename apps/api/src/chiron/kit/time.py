"""UTC everywhere: SQLite reads timestamps back naive, so attach UTC on the way out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Naive times are UTC. A ValueError (an invalid input in a validator, not a 500) when
    the offset moves the time past year 9999 or before year 1."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is outside the calendar once converted to UTC") from None


def clock_window(now: datetime, future_s: float, past_days: float) -> tuple[datetime, datetime]:
    """The device times accepted at `now`: from `past_days` behind to `future_s` ahead."""
    return now - timedelta(days=past_days), now + timedelta(seconds=future_s)


def maybe_utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(value: datetime) -> int:
    """Whole microseconds since the Unix epoch, without float rounding."""
    return (as_utc(value) - _EPOCH) // timedelta(microseconds=1)


def from_store(value: datetime | str) -> datetime:
    """A time as a driver returns it on a raw statement: aware from asyncpg, UTC text from
    SQLite."""
    return as_utc(value if isinstance(value, datetime) else datetime.fromisoformat(value))


def sqlite_text(value: datetime) -> str:
    """The text form SQLAlchemy's SQLite DateTime writes and reads back, of a time already
    in UTC (the offset is cut off, not applied: this runs per sample on the ingest path)."""
    return value.isoformat(" ", "microseconds")[:26]
