"""Small helpers shared by the observability tests: batches and span lookups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind

INGEST = "/api/v1/dashboard/samples"


def batch(
    values: Sequence[float], *, source: str = "rover-1", metric: str = "voltage"
) -> dict[str, Any]:
    start = datetime.now(UTC) - timedelta(seconds=len(values) + 1)
    return {
        "samples": [
            {
                "source": source,
                "metric": metric,
                "value": v,
                "ts": (start + timedelta(seconds=i)).isoformat(),
            }
            for i, v in enumerate(values)
        ]
    }


async def ingest(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any], **extra: str
) -> httpx.Response:
    return await client.post(INGEST, json=body, headers={**headers, **extra})


def system_of(span: ReadableSpan) -> str | None:
    """Database spans say `db.system` (older conventions) or `db.system.name` (stable)."""
    attrs = span.attributes or {}
    value = attrs.get("db.system.name", attrs.get("db.system"))
    return str(value) if value is not None else None


def server_span(spans: Iterable[ReadableSpan], route: str) -> ReadableSpan:
    found = [
        s
        for s in spans
        if s.kind is SpanKind.SERVER and (s.attributes or {}).get("http.route") == route
    ]
    assert len(found) == 1, [s.name for s in spans]
    return found[0]


def descendants(spans: Sequence[ReadableSpan], root: ReadableSpan) -> list[ReadableSpan]:
    by_parent: dict[int, list[ReadableSpan]] = {}
    for span in spans:
        if span.parent is not None:
            by_parent.setdefault(span.parent.span_id, []).append(span)
    out: list[ReadableSpan] = []
    todo = [root.context.span_id]
    while todo:
        for child in by_parent.get(todo.pop(), []):
            out.append(child)
            todo.append(child.context.span_id)
    return out
