"""The bus interface: an append-only log of `ms-seq` ids that can be replayed and tailed.

Two implementations share these semantics: Redis Streams in production, an in-process
log in the embedded default. Publishing happens after the store commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


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


def parse_id(value: str) -> tuple[int, int]:
    """`ms-seq` -> (ms, seq); raises ValueError on anything else."""
    ms, _, seq = value.partition("-")
    return int(ms), int(seq or 0)
