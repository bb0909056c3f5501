"""Shapes of the /auth routes (docs/contract-notes.md pins them for the web app)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from chiron.kit.schema import InputSchema, Schema


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
    role: str | None = Field(
        None, description="The sign-in's Clerk-style `org_role` (`org:operator`, ...)"
    )
    station: str | None = Field(None, description="Console position, e.g. FLIGHT or THERMAL")


class Actor(Schema):
    """Who did something: taken from the credential, never from a request body."""

    subject: str
    name: str | None = None
    role: str | None = None
    station: str | None = None
