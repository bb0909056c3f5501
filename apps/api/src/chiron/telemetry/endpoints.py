"""Dashboard HTTP: ingest, summary and series. Parse, authorize, call the service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from chiron.auth.deps import IngestPrincipal, ReadPrincipal
from chiron.deps import (
    DatabaseDep,
    ExportFormatDep,
    ReadSessionDep,
    SettingsDep,
    StateDep,
    UnitOfWorkDep,
)
from chiron.errors import ERROR_RESPONSES, ErrorResponse, InvalidInput, UnsupportedMediaType
from chiron.kit.csv_export import MEDIA_TYPE, csv_lines
from chiron.kit.schema import METRIC_PATTERN, SOURCE_PATTERN, UTC_DATETIME
from chiron.kit.time import utcnow
from chiron.observability.metrics import observe_ingest
from chiron.telemetry import idempotency, reads, service
from chiron.telemetry.schemas import IngestResult, SampleBatch, Series, Summary

router = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"])
log = structlog.get_logger("chiron.telemetry")

_INGEST_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    409: {"model": ErrorResponse, "description": "Idempotency-Key reused with another body"},
    413: {"model": ErrorResponse, "description": "Body larger than the limit"},
    415: {"model": ErrorResponse, "description": "Body is not application/json"},
    403: {
        "model": ErrorResponse,
        "description": "The credential lacks the scope, or is bound to other sources "
        "(`source_not_allowed`: nothing was stored)",
    },
}


def _parse_batch(body: bytes) -> SampleBatch:
    try:
        return SampleBatch.model_validate_json(body)
    except ValidationError as exc:
        details = [
            {
                "loc": ["body", *err.get("loc", ())],
                "msg": err.get("msg", ""),
                "type": err.get("type", ""),
            }
            for err in exc.errors()[:50]
        ]
        raise InvalidInput("The batch is not valid; nothing was stored", details=details) from None


@router.post(
    "/samples",
    status_code=202,
    response_model=IngestResult,
    operation_id="dashboard-ingest_samples",
    summary="Ingest a batch of samples",
    responses=_INGEST_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/SampleBatch"}}
            },
        }
    },
)
@observe_ingest
async def ingest_samples(
    request: Request,
    principal: IngestPrincipal,
    uow: UnitOfWorkDep,
    settings: SettingsDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=255,
            pattern=r"^[\x21-\x7e]+$",
            description="A retried batch with the same key is stored once",
        ),
    ] = None,
) -> IngestResult:
    """Store 1 to 5,000 samples in one transaction (all or nothing), step the gates, and
    publish to the live stream once committed."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise UnsupportedMediaType("Send the batch as application/json")
    body = await request.body()
    batch = _parse_batch(body)
    claim = (
        service.Idempotency(principal.subject, idempotency_key, idempotency.body_hash(body))
        if idempotency_key is not None
        else None
    )
    result = await service.ingest(
        uow, batch.samples, settings, idempotency_key=claim, allowed_sources=principal.sources
    )
    published = await uow.commit()
    if published is not None:
        result.last_event_id = published
    return result


@router.get(
    "/summary",
    response_model=Summary,
    operation_id="dashboard-get_summary",
    responses=ERROR_RESPONSES,
)
async def get_summary(_: ReadPrincipal, db: DatabaseDep, state: StateDep) -> Summary:
    """Gates, each metric's latest value with a sparkline, counts, and the stream position
    this snapshot is current to (start the stream from `last_event_id`)."""
    # Read the bus position first: anything published later is replayed by the stream.
    last_event_id = await _bus_position(state)
    return await reads.summary(db, utcnow(), last_event_id, state.settings.skew_warn_s)


async def _bus_position(state: Any) -> str | None:
    try:
        position: str | None = await state.bus.last_id()
    except Exception as exc:  # noqa: BLE001 - a down bus leaves the cursor empty, not the page
        log.warning("bus_position_unavailable", error=type(exc).__name__)
        return None
    return position


@router.get(
    "/series",
    response_model=Series,
    operation_id="dashboard-get_series",
    responses={
        **ERROR_RESPONSES,
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "The buckets as JSON, or as CSV (`format=csv` or `Accept: text/csv`)",
        },
    },
)
async def get_series(
    _: ReadPrincipal,
    db: DatabaseDep,
    session: ReadSessionDep,
    export: ExportFormatDep,
    source: Annotated[str, Query(max_length=128, pattern=SOURCE_PATTERN)],
    metric: Annotated[str, Query(max_length=128, pattern=METRIC_PATTERN)],
    from_: Annotated[
        UTC_DATETIME | None,
        Query(alias="from", description="Default: 1 h before `to`; at most 5 years before `to`"),
    ] = None,
    to: Annotated[UTC_DATETIME | None, Query(description="Default: now")] = None,
    points: Annotated[int, Query(ge=1, le=2000)] = 500,
) -> Series | StreamingResponse:
    """At most `points` buckets, each with min / max / mean / count, so a spike is never
    averaged away. Bucket edges are aligned to multiples of `bucket_seconds`."""
    end = to or utcnow()
    start = from_ or end - timedelta(hours=1)
    series = await reads.series(db, session, source, metric, start, end, points)
    if export == "csv":
        return StreamingResponse(
            csv_lines(SERIES_CSV_COLUMNS, _series_rows(series)),
            media_type=MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{source}.{metric}.csv"'},
        )
    return series


SERIES_CSV_COLUMNS = ("ts", "min", "max", "mean", "count", "unit")


async def _series_rows(series: Series) -> AsyncIterator[tuple[object, ...]]:
    for point in series.points:
        yield (point["ts"], point["min"], point["max"], point["mean"], point["count"], series.unit)
