"""Pure-ASGI middleware: request ids, and request bodies bounded (size, time, encoding)
before anything parses them."""

from __future__ import annotations

import asyncio
import re
import uuid

import structlog
from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chiron.error_handlers import app_error_response
from chiron.errors import (
    AppError,
    BodyTimeout,
    InvalidInput,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from chiron.kit.compression import (
    SUPPORTED_ENCODINGS,
    BoundedGunzip,
    CorruptBody,
    DecodedTooLarge,
)
from chiron.observability.context import reset_request_id, set_request_id
from chiron.observability.instrument import annotate_request

log = structlog.get_logger("chiron.http")

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestIdMiddleware:
    """Accept `X-Request-ID` (or make one), expose it to logs, errors and the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = set_request_id(request_id)
        annotate_request(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            reset_request_id(token)


class RequestBodyMiddleware:
    """Every request body before anything parses it: at most `max_bytes` (decoded: a gzip
    body is decompressed here, bounded, so no route needs to), each read bounded in time
    (a body shorter than its Content-Length must not hold a request open), and a client that
    leaves mid-upload is one log line, not an error with a traceback.

    Refusals are AppErrors raised from `receive`, so they reach the handlers (and the JSON
    error shape) wherever the body is read; one that escapes is answered here.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, read_timeout_s: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout_s = read_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        encoding = headers.get(b"content-encoding", b"").decode("latin-1").strip().lower()
        declared = headers.get(b"content-length")
        refusal: AppError | None = None
        if encoding not in SUPPORTED_ENCODINGS:
            refusal = UnsupportedMediaType(
                f"Content-Encoding {encoding[:32]!r} is not supported; send gzip or none",
                details={"supported": ["gzip", "identity"]},
            )
        elif declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            refusal = self._too_large()
        if refusal is not None:
            await _answer(refusal, scope, receive, send)
            return
        gunzip: BoundedGunzip | None = None
        if encoding in ("gzip", "x-gzip"):
            gunzip = BoundedGunzip(self.max_bytes)
            # What the app sees is the decoded body: its length is not the declared one.
            scope = dict(scope)
            dropped = (b"content-encoding", b"content-length")
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k not in dropped]
        seen = 0
        body_done = False
        refused: AppError | None = None
        started = False

        def refuse(exc: AppError) -> AppError:
            nonlocal refused, body_done
            refused, body_done = exc, True  # a second read of the body gets the same answer
            return exc

        async def guarded_receive() -> Message:
            nonlocal seen, body_done
            if refused is not None:
                raise refused
            if body_done:  # after the body: only a disconnect is left to wait for, untimed
                return await receive()
            try:
                async with asyncio.timeout(self.read_timeout_s):
                    message = await receive()
            except TimeoutError:
                log.info("request_body_timeout", received=seen, declared=_text(declared))
                raise refuse(
                    BodyTimeout(
                        f"The request body did not arrive within {self.read_timeout_s:g} s",
                        details={"received_bytes": seen},
                    )
                ) from None
            if message["type"] == "http.disconnect":
                body_done = True
                log.info("request_aborted", received=seen, declared=_text(declared))
                raise ClientDisconnect
            if message["type"] != "http.request":
                return message
            chunk = message.get("body", b"")
            more = message.get("more_body", False)
            if gunzip is not None:
                try:
                    chunk = gunzip.feed(chunk) + (b"" if more else gunzip.finish())
                except DecodedTooLarge:
                    raise refuse(self._too_large()) from None
                except CorruptBody:
                    raise refuse(InvalidInput("The gzip body could not be decoded")) from None
                message = {**message, "body": chunk}
            seen += len(chunk)
            if seen > self.max_bytes:
                raise refuse(self._too_large())
            body_done = not more
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, guarded_receive, tracking_send)
        except ClientDisconnect:
            return  # logged once above; there is nobody to answer
        except AppError as exc:  # a refusal raised where no handler runs
            if not started:
                await _answer(exc, scope, receive, send)

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(
            f"The request body is larger than {self.max_bytes} bytes",
            details={"max_bytes": self.max_bytes},
        )


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")[:20]


async def _answer(exc: AppError, scope: Scope, receive: Receive, send: Send) -> None:
    response = app_error_response(exc, scope.get("path", ""), Headers(scope=scope))
    await response(scope, receive, send)
