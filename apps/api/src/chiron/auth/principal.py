"""Who is calling: the result of authentication, whatever the credential was."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Scope = Literal["ingest", "read", "admin"]
SCOPES: tuple[Scope, ...] = ("ingest", "read", "admin")


@dataclass(frozen=True, slots=True)
class Principal:
    # `client:<key_id>` for an API key, the identity provider's user id for a service token.
    subject: str
    scopes: frozenset[str]
    kind: Literal["api_key", "service_token"]
    key_id: str | None = None
    name: str | None = None
    expires_at: datetime | None = None
    auth_time: datetime | None = None

    def has_scope(self, scope: str) -> bool:
        """`admin` implies every scope."""
        return scope in self.scopes or "admin" in self.scopes
