"""Who is calling: the result of authentication, whatever the credential was.

Scopes: `ingest` (devices), `read`, `operate` (acknowledge and shelve alarms), `direct`
(open and close polls) and `admin`, which implies every other. A browser session's scopes
come from its sign-in's Clerk-style `org_role` (`ROLE_SCOPES`); its console position from
a `station` claim. Every operator action records the principal's `actor()`, never anything
the request body says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Scope = Literal["ingest", "read", "operate", "direct", "admin"]
SCOPES: tuple[Scope, ...] = ("ingest", "read", "operate", "direct", "admin")

Role = Literal["org:viewer", "org:operator", "org:director", "org:admin"]
ROLES: tuple[Role, ...] = ("org:viewer", "org:operator", "org:director", "org:admin")
# DESIGN, "People, privileges, identity". An assertion without a known role is a viewer.
ROLE_SCOPES: dict[Role, tuple[Scope, ...]] = {
    "org:viewer": ("read",),
    "org:operator": ("read", "operate"),
    "org:director": ("read", "operate", "direct"),
    "org:admin": ("read", "operate", "direct", "admin"),
}
DEFAULT_ROLE: Role = "org:viewer"
# A console position: FLIGHT, POWER, THERMAL, COMMS, GUIDANCE, ... (upper case, short).
STATION_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,31}$"  # what is accepted; kept upper-cased
_station = re.compile(STATION_PATTERN)


def role_of(claim: object) -> Role:
    """The role an `org_role` claim names; anything else (absent, unknown) is a viewer."""
    for role in ROLES:
        if claim == role:
            return role
    return DEFAULT_ROLE


def station_of(claim: object) -> str | None:
    """A `station` claim, upper-cased; None when absent. ValueError when it is not one."""
    if claim is None or claim == "":
        return None
    text = str(claim).strip().upper()
    if not _station.match(text):
        raise ValueError("a station is 1 to 32 letters, digits, '-' or '_', starting with a letter")
    return text


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something, as every operator action records it."""

    subject: str
    name: str | None = None
    role: str | None = None
    station: str | None = None

    def label(self) -> str:
        who = self.name or self.subject
        return f"{who} ({self.station})" if self.station else who

    def as_dict(self) -> dict[str, str | None]:
        return {"subject": self.subject, "name": self.name, "role": self.role,
                "station": self.station}  # fmt: skip


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
    role: str | None = None
    station: str | None = None
    # An API key bound to sources writes only those (shell-style patterns); None: unbound.
    sources: tuple[str, ...] | None = None

    def has_scope(self, scope: str) -> bool:
        """`admin` implies every scope."""
        return scope in self.scopes or "admin" in self.scopes

    def actor(self) -> Actor:
        return Actor(subject=self.subject, name=self.name, role=self.role, station=self.station)
