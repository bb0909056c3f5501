"""Typed, expected failures: what domain code raises. No web framework here; they become the
JSON error shape in `chiron.error_handlers`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class AppError(Exception):
    status_code = 400
    code = "bad_request"
    headers: dict[str, str] | None = None

    def __init__(self, message: str, *, details: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"

    def __init__(
        self, message: str = "Missing or invalid credentials", *, reason: str = "invalid_token"
    ) -> None:
        super().__init__(message, code=reason)
        self.headers = {"WWW-Authenticate": f'Bearer error="{reason}"'}


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMediaType(AppError):
    status_code = 415
    code = "unsupported_media_type"


class InvalidInput(AppError):
    status_code = 422
    code = "invalid_input"


class ServiceUnavailable(AppError):
    status_code = 503
    code = "unavailable"

    def __init__(self, message: str, *, details: Any = None, retry_after: int = 5) -> None:
        super().__init__(message, details=details)
        self.headers = {"Retry-After": str(retry_after)}


class StoreUnavailable(ServiceUnavailable):
    code = "store_unavailable"


class BusUnavailable(ServiceUnavailable):
    code = "bus_unavailable"


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any | None = None
    request_id: str | None = None


class ErrorResponse(BaseModel):
    """Every error Chiron answers has this shape."""

    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": desc}
    for code, desc in {
        401: "Missing, malformed, expired or revoked credentials",
        403: "The credential lacks the required scope",
        422: "Invalid input",
        503: "Store or bus unavailable",
    }.items()
}
