"""The bus interface: an append-only log of `ms-seq` ids that can be replayed and tailed.

Two implementations share these semantics: Redis Streams in production, an in-process
log in the embedded default. Publishing happens after the store commits. Consumer groups
(`read_group` / `ack` / `claim_stale`) carry background work that must survive a crash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

StreamId = tuple[int, int]


@dataclass(frozen=True, slots=True)
class BusMessage:
    id: str
    event: str
    data: bytes  # a JSON TelemetryPayload, encoded once


class Bus(Protocol):
    name: str

    async def publish(self, event: str, data: bytes) -> str:
        """Append one message; return its id."""

    async def range_after(self, after_id: str, count: int) -> list[BusMessage]:
        """Messages with id strictly greater than `after_id`, oldest first, at most `count`."""

    async def read_new(self, after_id: str, block_ms: int, count: int) -> list[BusMessage]:
        """Like `range_after`, but wait up to `block_ms` for the first message to arrive."""

    async def first_id(self) -> str | None:
        """The oldest id still held, or None when empty."""

    async def last_id(self) -> str | None:
        """The newest id, or None when nothing was ever published."""

    async def ping(self) -> None:
        """Raise when the bus cannot be reached."""

    async def close(self) -> None: ...

    # Consumer groups: each message goes to one consumer of the group, stays pending
    # until acknowledged, and can be claimed by another consumer once idle long enough.

    async def ensure_group(self, group: str) -> None:
        """Create `group` (delivering messages published from now on) if it does not exist."""

    async def read_group(
        self, group: str, consumer: str, count: int, block_ms: int
    ) -> list[BusMessage]:
        """New messages for `consumer`; they stay pending until `ack`."""

    async def ack(self, group: str, ids: Sequence[str]) -> None:
        """Mark messages as done for the group."""

    async def claim_stale(
        self, group: str, consumer: str, min_idle_ms: int, count: int
    ) -> list[BusMessage]:
        """Take over messages pending longer than `min_idle_ms` (a crashed consumer's)."""


def parse_id(value: str) -> StreamId:
    """`ms-seq` -> (ms, seq); raises ValueError on anything else."""
    ms, _, seq = value.partition("-")
    return int(ms), int(seq or 0)


# Both parts of a Redis stream id are unsigned 64-bit integers.
MAX_ID_PART = 2**64 - 1


def issuable(value: StreamId) -> bool:
    """Whether a bus could ever have handed out this position (Redis refuses larger parts)."""
    return value[0] <= MAX_ID_PART and value[1] <= MAX_ID_PART


def format_id(value: StreamId) -> str:
    return f"{value[0]}-{value[1]}"


def valid_id(value: str) -> bool:
    """True for a well-formed `ms-seq` id (the only thing a resume cursor may be)."""
    ms, sep, seq = value.partition("-")
    return bool(sep) and ms.isdigit() and seq.isdigit() and len(ms) <= 20 and len(seq) <= 20
