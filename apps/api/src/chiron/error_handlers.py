"""The one place errors become the JSON error shape `{"error": {code, message, ...}}`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from chiron.errors import AppError
from chiron.observability.context import current_request_id


def error_response(
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    request_id = current_request_id()
    if request_id:
        body["request_id"] = request_id
    return JSONResponse({"error": body}, status_code=status, headers=headers)


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
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's only 400: a body it could not decode (bytes that are not UTF-8 JSON).
            # Like every other invalid input, that is a 422.
            return error_response(422, "invalid_input", "The request body could not be parsed")
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(exc.status_code, code, message, headers=exc.headers)

    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        from chiron.db import is_store_outage

        if is_store_outage(exc):
            structlog.get_logger("chiron.errors").warning(
                "store_unavailable", error=type(exc).__name__
            )
            return error_response(
                503, "store_unavailable", "The store is unavailable", headers={"Retry-After": "5"}
            )
        structlog.get_logger("chiron.errors").exception("unhandled_error")
        return error_response(500, "internal_error", "Internal error")

    # Store outages are expected failures: handled by class (in the exception middleware,
    # which answers and stops) rather than only by the catch-all, which re-raises.
    from sqlalchemy.exc import DBAPIError

    for outage in (DBAPIError, OSError, TimeoutError):
        app.add_exception_handler(outage, _unexpected)
    app.add_exception_handler(Exception, _unexpected)
