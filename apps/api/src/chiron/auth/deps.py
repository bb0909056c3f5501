"""The one Authenticator dependency and its per-scope aliases (interface; auth work fills it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request

from chiron.errors import Forbidden, Unauthorized

Scope = Literal["ingest", "read", "admin"]


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    scopes: frozenset[str]
    kind: Literal["api_key", "service_token"]
    key_id: str | None = None


async def authenticate(request: Request) -> Principal:
    raise Unauthorized("Missing credentials", reason="invalid_request")


def require(scope: Scope):  # type: ignore[no-untyped-def]
    async def dependency(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if scope not in principal.scopes and "admin" not in principal.scopes:
            raise Forbidden(f"This credential lacks the '{scope}' scope", code="insufficient_scope")
        return principal

    return dependency


IngestPrincipal = Annotated[Principal, Depends(require("ingest"))]
ReadPrincipal = Annotated[Principal, Depends(require("read"))]
AdminPrincipal = Annotated[Principal, Depends(require("admin"))]
