"""What the lifespan builds and every request reads: typed, not module globals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chiron.config import Settings
from chiron.db import Database

if TYPE_CHECKING:
    from chiron.auth.assertions import LocalIssuer
    from chiron.stream.bus import Bus
    from chiron.stream.hub import Hub


@dataclass
class AppState:
    settings: Settings
    db: Database
    bus: Bus
    hub: Hub
    # The development mock issuer (chiron.dev), set by the app factory outside production.
    local_issuer: LocalIssuer | None = None
    extras: dict[str, Any] = field(default_factory=dict)
