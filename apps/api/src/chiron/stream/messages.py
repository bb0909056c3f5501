"""What goes on the bus: a message knows its SSE event name and how to encode itself.

Domain-free: each domain defines its own payload models (a pydantic model with a `type`
literal is a Message); the union of them lives only at the stream endpoint (`live/`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from chiron.kit.schema import Schema


class Message(Protocol):
    """One stream event: `type` is its SSE `event:` and the payload's discriminator."""

    @property
    def type(self) -> str: ...

    def encode(self) -> bytes:
        """The JSON `data:`, encoded once for the bus and every subscriber."""
        ...


class Payload(Schema):
    """Base of the payload models: encoded as their JSON."""

    type: str

    def encode(self) -> bytes:
        return self.model_dump_json().encode()


# The stream's own event: refetch the summary (cursor too old, client too slow, bus outage).
class ResyncPayload(Payload):
    type: Literal["resync"] = "resync"
    reason: str


@dataclass(frozen=True, slots=True)
class Encoded:
    """A payload already encoded on a hot path, byte for byte what its model would encode;
    tests hold the two together."""

    type: str
    data: bytes

    def encode(self) -> bytes:
        return self.data
