"""Shapes of the mock issuer's routes (`/auth/dev/...`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from chiron.auth.principal import STATION_PATTERN, Role
from chiron.kit.schema import InputSchema, Schema

# An email-ish string, checked loosely: the mock issuer is for development only.
# No control characters (NUL included): the email ends up in a JWT and in actor records.
Email = Annotated[
    str,
    Field(min_length=3, max_length=254, pattern=r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+$"),
]


class DevAssertionRequest(InputSchema):
    email: Email
    name: str | None = Field(None, max_length=128, pattern=r"^[^\x00-\x1f\x7f]*$")
    # An operator by default in development: the dashboard's controls are there to try.
    org_role: Role = Field("org:operator", description="Clerk-style role: viewer .. admin")
    station: str | None = Field(
        None, pattern=STATION_PATTERN, description="Console position, e.g. FLIGHT, THERMAL"
    )


class DevAssertion(Schema):
    assertion: str
    expires_at: datetime


class Jwks(Schema):
    keys: list[dict[str, Any]]
