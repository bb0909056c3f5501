from __future__ import annotations

from datetime import timedelta

import httpx

from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.timeline import service
from chiron.uow import UnitOfWork


async def test_pages_are_newest_first_without_gaps_or_repeats(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    now = utcnow()
    async with UnitOfWork(db, None) as uow:
        for i in range(23):
            # Pairs share a timestamp: the cursor must break ties by id.
            await service.record(
                uow,
                kind="note",
                severity="info",
                title=f"e{i}",
                ts=now - timedelta(seconds=i // 2),
            )
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"limit": 5, **({"before": cursor} if cursor else {})}
        page = (
            await client.get("/api/v1/dashboard/timeline", params=params, headers=auth_headers)
        ).json()
        seen += [item["title"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 23
    assert len(set(seen)) == 23
    ts_order = [int(t[1:]) // 2 for t in seen]
    assert ts_order == sorted(ts_order)


async def test_timeline_event_validation(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    for body in (
        {"title": ""},
        {"title": "x", "severity": "fatal"},
        {"title": "x", "kind": "Bad Kind"},
        {"title": "x", "body": "a\u0000b"},
        {"title": "x", "colour": 1},
        # JSON has no time type: a number is not read as a Unix time.
        {"title": "x", "ts": 0},
        {"title": "x", "ts": 1764201600.5},
        {"title": "x", "ts": True},
        {"title": 5},
    ):
        response = await client.post("/api/v1/timeline", json=body, headers=auth_headers)
        assert response.status_code == 422, body
