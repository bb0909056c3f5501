"""The one place errors become the JSON error shape `{"error": {code, message, ...}}`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from chiron.errors import AppError
from chiron.observability.context import current_request_id


def error_response(
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
    request_id: str | None = None,
) -> JSONResponse:
    """`request_id`: only for answers made outside RequestIdMiddleware (which otherwise
    supplies it, and its header)."""
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    if request_id:
        headers = {**(headers or {}), "X-Request-ID": request_id}
    request_id = request_id or current_request_id()
    if request_id:
        body["request_id"] = request_id
    return JSONResponse({"error": body}, status_code=status, headers=headers)


# Front doors that speak another protocol (InfluxDB, OTLP) answer in its error shape, by path,
# also where the body middleware refuses a request before any route runs.
_PROTOCOL_ERRORS: dict[str, Callable[[AppError, Headers], Response]] = {}


def register_protocol_errors(paths: Mapping[str, Callable[[AppError, Headers], Response]]) -> None:
    _PROTOCOL_ERRORS.update(paths)


def app_error_response(exc: AppError, path: str, headers: Headers) -> Response:
    """An AppError answered outside the handlers: in its path's protocol shape, else Chiron's."""
    render = _PROTOCOL_ERRORS.get(path)
    if render is not None:
        return render(exc, headers)
    return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
}


def _clean_validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    cleaned = []
    for err in exc.errors():
        item = {
            "loc": list(err.get("loc", ())),
            "msg": err.get("msg", ""),
            "type": err.get("type", ""),
        }
        cleaned.append(item)
    return cleaned


def store_unavailable() -> JSONResponse:
    return error_response(
        503, "store_unavailable", "The store is unavailable", headers={"Retry-After": "5"}
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(
            422, "invalid_input", "The request is not valid", _clean_validation_errors(exc)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's only 400: a body it could not read. Reading it may have been refused
            # below (too large, too slow, bad gzip: the cause says), or the client left.
            cause = exc.__cause__
            if isinstance(cause, AppError):
                return await _app_error(request, cause)
            if isinstance(cause, ClientDisconnect):
                raise cause  # nobody to answer; the body middleware logged it
            # Otherwise bytes that are not UTF-8 JSON: like every other invalid input, a 422.
            return error_response(422, "invalid_input", "The request body could not be parsed")
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(exc.status_code, code, message, headers=exc.headers)

    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        from chiron.db import is_store_outage, store_cannot_write

        log = structlog.get_logger("chiron.errors")
        if is_store_outage(exc):
            log.warning("store_unavailable", error=type(exc).__name__)
            if store_cannot_write(exc):
                request.app.state.chiron.store_writes.refused(type(exc).__name__)
            return store_unavailable()
        # The catch-all runs in Starlette's outermost layer, after RequestIdMiddleware has
        # reset the context: the id is still in the request's scope, where it put it.
        outside = None if current_request_id() else request.scope.get("state", {}).get("request_id")
        log.error("unhandled_error", exc_info=exc, **({"request_id": outside} if outside else {}))
        return error_response(500, "internal_error", "Internal error", request_id=outside)

    # Store outages are expected failures: handled by class (in the exception middleware,
    # which answers and stops) rather than only by the catch-all, which re-raises. The
    # driver's own exceptions come straight from the bulk statements on its connection.
    import sqlite3

    import asyncpg
    from sqlalchemy.exc import DBAPIError, EmulatedDBAPIException

    outages = (
        DBAPIError,
        EmulatedDBAPIException,  # the driver adapter's own, raised outside SQLAlchemy's wrapping
        OSError,
        TimeoutError,
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
        sqlite3.Error,
    )
    for outage in outages:
        app.add_exception_handler(outage, _unexpected)
    app.add_exception_handler(Exception, _unexpected)
