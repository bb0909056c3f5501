"""What the lifespan builds and every request reads: typed, not module globals."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chiron.config import Settings
from chiron.db import Database

if TYPE_CHECKING:
    from chiron.auth.assertions import LocalIssuer
    from chiron.stream.bus import Bus
    from chiron.stream.hub import Hub


@dataclass
class StoreWrites:
    """The store's latest refusal of a write (disk full, read-only): a `SELECT 1` still
    answers then, so readiness looks here too, for `window_s` after the refusal."""

    window_s: float = 30.0
    failed_at: float | None = None
    reason: str = ""

    def refused(self, reason: str) -> None:
        self.failed_at, self.reason = time.monotonic(), reason

    def problem(self) -> str | None:
        if self.failed_at is None or time.monotonic() - self.failed_at > self.window_s:
            return None
        return f"down: cannot write ({self.reason})"


@dataclass
class AppState:
    settings: Settings
    db: Database
    bus: Bus
    hub: Hub
    store_writes: StoreWrites = field(default_factory=StoreWrites)
    # The development mock issuer (chiron.dev), set by the app factory outside production.
    local_issuer: LocalIssuer | None = None
    extras: dict[str, Any] = field(default_factory=dict)
