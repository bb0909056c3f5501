"""Shapes of the mock issuer's routes (`/auth/dev/...`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

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


class DevAssertion(Schema):
    assertion: str
    expires_at: datetime


class Jwks(Schema):
    keys: list[dict[str, Any]]
