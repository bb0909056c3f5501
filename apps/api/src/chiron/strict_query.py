"""Unknown query parameters are a 422 naming them, on every endpoint (DESIGN: never
silently ignored). A typo such as `?kind=deploy&serverity=critical` would otherwise
return everything, and look like an answer."""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from chiron.auth.errors import CredentialRejected
from chiron.errors import InvalidInput

_TYPE = "unknown_parameter"
# Credentials come only from the Authorization header or the session cookie: one sent in
# the query string is refused as an authentication problem (401), and never used.
_CREDENTIALS = frozenset({"access_token", "token", "api_key", "apikey", "key"})
_allowed: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _declared(route: APIRoute) -> frozenset[str]:
    names = _allowed.get(id(route))
    if names is None:
        names = _allowed[id(route)] = frozenset(_query_names(route.dependant))
    return names


async def reject_unknown_query(request: Request) -> None:
    """An app-wide dependency: every query parameter must be one the route declares."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    unknown = sorted(set(request.query_params.keys()) - _declared(route))
    if _CREDENTIALS.intersection(name.lower() for name in unknown):
        raise CredentialRejected(
            "Send credentials in the Authorization header, never in the query string",
            code="invalid_request",
        )
    if unknown:
        raise InvalidInput(
            f"Unknown query parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
            details=[
                {
                    "loc": ["query", name],
                    "msg": "unknown query parameter",
                    "type": "unknown_parameter",
                }
                for name in unknown
            ],
        )
