"""Protocol front doors over HTTP: InfluxDB line protocol (`POST /api/v2/write`, `POST
/write`) and OTLP/HTTP metrics (`POST /v1/metrics`). Each turns its body into `SampleIn`s and
hands them to `telemetry.service.ingest`, the pipeline `POST /api/v1/dashboard/samples`
uses, in the request's unit of work. Errors answer in the protocol's own shape (InfluxDB's
`{"code", "message"}`, v1's `{"error"}`, OTLP's `google.rpc.Status`), every one of them:
those raised here, by the dependencies, and by the body middleware (registered by path).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, TypeVar

import orjson
import structlog
from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException

from chiron.auth.deps import AuthenticatorDep
from chiron.auth.errors import CredentialRejected, InsufficientScope
from chiron.auth.principal import Principal
from chiron.deps import SettingsDep, UnitOfWorkDep
from chiron.error_handlers import register_protocol_errors
from chiron.errors import AppError, InvalidInput, PayloadTooLarge
from chiron.observability.metrics import ingest_duration, samples_ingested
from chiron.telemetry import idempotency, service
from chiron.telemetry.protocols import line, otlp
from chiron.telemetry.protocols.samples import Sample
from chiron.uow import UnitOfWork

log = structlog.get_logger("chiron.protocols")
_T = TypeVar("_T")

IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="A retried write with the same key is stored once; empty is a 422",
    ),
]


class BadRequest(AppError):
    """The protocol's "invalid" answer: 400 (bodies that do not parse or do not fit)."""

    status_code = 400
    code = "invalid"


# ---- error shapes ----------------------------------------------------------------------

_INFLUX_CODES = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not found",
    408: "request timeout",
    409: "conflict",
    413: "request too large",
    415: "unsupported media type",
    422: "unprocessable entity",
    429: "too many requests",
    503: "unavailable",
}


def _challenge(exc: AppError) -> dict[str, str]:
    headers = dict(exc.headers or {})
    if exc.status_code == 401:
        headers["WWW-Authenticate"] = 'Token realm="chiron"'
    return headers


def influx_v2_error(exc: AppError, _: Headers) -> Response:
    code = _INFLUX_CODES.get(exc.status_code, "internal error")
    return Response(
        orjson.dumps({"code": code, "message": exc.message}),
        status_code=exc.status_code,
        media_type="application/json; charset=utf-8",
        headers=_challenge(exc),
    )


def influx_v1_error(exc: AppError, _: Headers) -> Response:
    headers = _challenge(exc)
    if exc.status_code == 401:
        headers["WWW-Authenticate"] = 'Basic realm="chiron"'
    headers["X-Influxdb-Error"] = exc.message.encode("ascii", "replace").decode()[:512]
    return Response(
        orjson.dumps({"error": exc.message}),
        status_code=exc.status_code,
        media_type="application/json",
        headers=headers,
    )


def otlp_error(exc: AppError, request_headers: Headers) -> Response:
    as_json = otlp.wants_json(request_headers.get("content-type", ""))
    body, media_type = otlp.status_body(exc.status_code, exc.message, as_json=as_json)
    return Response(body, status_code=exc.status_code, media_type=media_type, headers=exc.headers)


Renderer = Callable[[AppError, Headers], Response]


def _error_route(render: Renderer) -> type[APIRoute]:
    """A route class whose every refusal (dependencies, body, service) has `render`'s shape."""

    class ProtocolRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def route(request: Request) -> Response:
                try:
                    return await handler(request)
                except AppError as exc:
                    if exc.status_code in (400, 413, 422):
                        # What a device author needs to fix their agent, once per refusal.
                        log.info(
                            "protocol_write_refused",
                            path=request.url.path,
                            status=exc.status_code,
                            reason=exc.message[:300],
                        )
                    return render(exc, request.headers)
                except RequestValidationError as exc:
                    return render(_invalid_request(exc), request.headers)
                except StarletteHTTPException as exc:
                    cause = exc.__cause__
                    if isinstance(cause, AppError):
                        return render(cause, request.headers)
                    raise

            return route

    return ProtocolRoute


def _invalid_request(exc: RequestValidationError) -> AppError:
    err = exc.errors()[0]
    where = ".".join(str(part) for part in err.get("loc", ()))
    return InvalidInput(f"{where}: {err.get('msg', 'invalid')}")


# ---- credentials -----------------------------------------------------------------------


def _credential(request: Request, *, basic: bool) -> str:
    """The key from `Authorization: Token <key>` / `Bearer <key>` (and, for v1, HTTP Basic
    with the key as the password). Never from the query string."""
    if "p" in request.query_params or "token" in request.query_params:
        raise CredentialRejected(
            "Credentials in the query string are refused: send the key in the Authorization header",
            code="invalid_request",
        )
    headers = request.headers.getlist("authorization")
    if len(headers) != 1:
        raise CredentialRejected(
            "Send one Authorization header: 'Token <key>'"
            + (" or HTTP Basic with the key as the password" if basic else ""),
            code="invalid_request",
        )
    scheme, _, value = headers[0].strip().partition(" ")
    value = value.strip()
    scheme = scheme.lower()
    if scheme in ("token", "bearer") and value and not any(c.isspace() for c in value):
        if scheme == "token" and ":" in value:
            # `Token user:password`, how the InfluxDB 2 clients talk to a 1.8-style server:
            # the password is the key (a Chiron key has no colon).
            value = value.split(":", 1)[1]
        return value
    if basic and scheme == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        _, colon, password = decoded.partition(":")
        if colon and password:
            return password
    raise CredentialRejected(
        "The Authorization header must be 'Token <key>'"
        + (" or HTTP Basic with the key as the password" if basic else ""),
        code="invalid_request",
    )


async def _ingest_principal(
    request: Request, authenticator: Any, *, basic: bool = False
) -> Principal:
    principal: Principal = await authenticator.authenticate(_credential(request, basic=basic))
    if not principal.has_scope("ingest"):
        raise InsufficientScope("ingest")
    return principal


async def _body(request: Request) -> bytes:
    """The (decoded) body; a gzip body that does not decode is the protocol's 400."""
    try:
        return await request.body()
    except InvalidInput as exc:
        raise BadRequest(exc.message) from None


async def _ingest(
    uow: UnitOfWork,
    samples: Sequence[service.SampleLike],
    settings: Any,
    principal: Principal,
    body: bytes,
    key: str | None,
    now: datetime | None = None,
) -> None:
    claim = (
        service.Idempotency(principal.subject, key, idempotency.body_hash(body))
        if key is not None
        else None
    )
    started = time.perf_counter()
    result = await service.ingest(uow, samples, settings, idempotency_key=claim, now=now)
    await uow.commit()
    samples_ingested(result.accepted, "accepted")
    samples_ingested(result.duplicates, "duplicate")
    outcome = "duplicate" if result.duplicates and not result.accepted else "accepted"
    ingest_duration(time.perf_counter() - started, outcome)


# ---- InfluxDB line protocol ------------------------------------------------------------

influx_v2 = APIRouter(tags=["protocols"], route_class=_error_route(influx_v2_error))
influx_v1 = APIRouter(tags=["protocols"], route_class=_error_route(influx_v1_error))


# Bodies larger than this are parsed off the event loop, so one large write does not
# stall every other request on the process while it is read.
_OFF_LOOP_BYTES = 64 * 1024


async def _off_loop(body: bytes, work: Callable[[], _T]) -> _T:
    return work() if len(body) <= _OFF_LOOP_BYTES else await asyncio.to_thread(work)


def _parse_lines(body: bytes, precision: str, settings: Any) -> list[Sample]:
    try:
        return line.write_batch(body, precision=precision, source_tag=settings.lp_source_tag)
    except line.LineError as exc:
        raise BadRequest(f"unable to parse points: {exc}") from None
    except line.TooManySamples as exc:
        raise PayloadTooLarge(f"points batch is too large: {exc}; split it") from None


async def _samples_from_lines(body: bytes, precision: str, settings: Any) -> list[Sample]:
    return await _off_loop(body, lambda: _parse_lines(body, precision, settings))


@influx_v2.post("/api/v2/write", status_code=204, response_class=Response, include_in_schema=False)
async def write_v2(
    request: Request,
    authenticator: AuthenticatorDep,
    uow: UnitOfWorkDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
    org: Annotated[str | None, Query(max_length=256)] = None,
    org_id: Annotated[str | None, Query(alias="orgID", max_length=256)] = None,
    bucket: Annotated[str | None, Query(max_length=256)] = None,
    precision: Annotated[str, Query(max_length=8)] = "ns",
) -> Response:
    """InfluxDB v2 write (Telegraf `outputs.influxdb_v2`, the influxdb-client libraries).
    `org` and `bucket` are accepted and not used: Chiron has one store."""
    principal = await _ingest_principal(request, authenticator)
    if precision not in line.V2_PRECISIONS:
        raise BadRequest(f"invalid precision {precision[:8]!r}: use ns, us, ms or s")
    body = await _body(request)
    samples = await _samples_from_lines(body, precision, settings)
    await _ingest(uow, samples, settings, principal, body, idempotency_key)
    return Response(status_code=204)


@influx_v1.post("/write", status_code=204, response_class=Response, include_in_schema=False)
async def write_v1(
    request: Request,
    authenticator: AuthenticatorDep,
    uow: UnitOfWorkDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
    db: Annotated[str | None, Query(max_length=256)] = None,
    rp: Annotated[str | None, Query(max_length=256)] = None,
    consistency: Annotated[str | None, Query(max_length=16)] = None,
    precision: Annotated[str, Query(max_length=8)] = "ns",
    # Declared so they are recognised, and refused: a credential in the query string is a 401.
    u: Annotated[str | None, Query(max_length=256)] = None,
    p: Annotated[str | None, Query(max_length=1024)] = None,
) -> Response:
    """InfluxDB 1.x write (Telegraf `outputs.influxdb`): HTTP Basic with the key as the
    password, or `Authorization: Token <key>`. `db`, `rp` and `consistency` (what InfluxDB
    1.x clients send) are accepted and not used."""
    principal = await _ingest_principal(request, authenticator, basic=True)
    if precision not in line.PRECISIONS:
        raise BadRequest(f"invalid precision {precision[:8]!r}: use n, u, ms, s, m or h")
    body = await _body(request)
    samples = await _samples_from_lines(body, precision, settings)
    await _ingest(uow, samples, settings, principal, body, idempotency_key)
    return Response(status_code=204)


# ---- OTLP/HTTP metrics -----------------------------------------------------------------

otlp_router = APIRouter(tags=["protocols"], route_class=_error_route(otlp_error))


@otlp_router.post("/v1/metrics", response_class=Response, include_in_schema=False)
async def export_metrics(
    request: Request,
    authenticator: AuthenticatorDep,
    uow: UnitOfWorkDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """OTLP/HTTP metrics export, protobuf or JSON (gzip accepted). Points Chiron cannot
    store are counted in `partial_success`; the rest are stored, all in one transaction."""
    content_type = request.headers.get("content-type", "")
    if not otlp.supported(content_type):
        raise otlp.Unsupported("Send application/x-protobuf or application/json (OTLP/HTTP)")
    principal = await _ingest_principal(request, authenticator)
    as_json = otlp.wants_json(content_type)
    body = await _body(request)
    mapped = await _off_loop(body, lambda: _map_export(body, as_json, settings))
    if mapped.samples:
        await _ingest(uow, mapped.samples, settings, principal, body, idempotency_key, mapped.now)
    samples_ingested(mapped.rejected, "rejected")
    payload, media_type = otlp.export_response(mapped, as_json=as_json)
    return Response(payload, status_code=200, media_type=media_type)


def _map_export(body: bytes, as_json: bool, settings: Any) -> otlp.Mapped:
    try:
        decoded = otlp.decode(body, as_json=as_json)
    except otlp.DecodeError as exc:
        raise BadRequest(str(exc)) from None
    try:
        return otlp.to_samples(decoded, settings)
    except otlp.TooManyPoints as exc:
        raise PayloadTooLarge(f"{exc}; split the export") from None


_PATHS: Mapping[str, Renderer] = {
    "/api/v2/write": influx_v2_error,
    "/write": influx_v1_error,
    "/v1/metrics": otlp_error,
}
register_protocol_errors(_PATHS)

routers = (influx_v2, influx_v1, otlp_router)
