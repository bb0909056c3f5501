"""Shapes of the /auth routes (docs/contract-notes.md pins them for the web app)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from chiron.kit.schema import InputSchema, Schema

# An email-ish string, checked loosely: the mock issuer is for development only.
# No control characters (NUL included): the email ends up in a JWT and in actor records.
Email = Annotated[
    str,
    Field(min_length=3, max_length=254, pattern=r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+$"),
]


class TokenRequest(InputSchema):
    assertion: str = Field(
        min_length=1, max_length=16_384, description="A Clerk-style RS256 JWT (session token)"
    )


class TokenResponse(Schema):
    access_token: str = Field(description="A short-lived service token; also set as a cookie")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a token type, not a secret
    expires_at: datetime
    scopes: list[str]
    subject: str


class Me(Schema):
    subject: str
    name: str | None
    scopes: list[str]
    expires_at: datetime | None


class DevAssertionRequest(InputSchema):
    email: Email
    name: str | None = Field(None, max_length=128, pattern=r"^[^\x00-\x1f\x7f]*$")


class DevAssertion(Schema):
    assertion: str
    expires_at: datetime


class Jwks(Schema):
    keys: list[dict[str, Any]]
