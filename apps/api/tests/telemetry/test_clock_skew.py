"""Clock skew per source: a device whose clock is two hours behind is reported skewed in
the summary, and the timeline records the crossing and the return, once each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from chiron.kit.time import utcnow
from chiron.telemetry.clock import describe
from tests.fixtures.factories import ingest, sample

SUMMARY = "/api/v1/dashboard/summary"


async def _clocks(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    body = (await client.get(SUMMARY, headers=headers)).json()
    return {s["source"]: s for s in body["sources"]}


async def _clock_events(client: httpx.AsyncClient, headers: dict[str, str]) -> list[Any]:
    page = (await client.get("/api/v1/dashboard/timeline", headers=headers)).json()
    return sorted(
        (e for e in page["items"] if e["kind"] in {"clock_skew", "clock_in_step"}),
        key=lambda e: e["ts"],
    )


async def test_a_source_two_hours_behind_is_skewed_and_the_timeline_says_so(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    behind = utcnow() - timedelta(hours=2)
    batch = [
        sample(1.0, source="rover-1", metric="battery.voltage", ts=behind),
        sample(2.0, source="rover-1", metric="core.temp", ts=behind + timedelta(seconds=1)),
        sample(3.0, source="rover-2", metric="core.temp", ts=utcnow()),
        sample(4.0, source="rover-3", metric="core.temp"),  # no device time: in step
    ]
    assert (await ingest(client, auth_headers, batch)).status_code == 202

    clocks = await _clocks(client, auth_headers)
    assert clocks["rover-1"]["skewed"] is True
    assert abs(clocks["rover-1"]["skew_s"] - 7200) < 120
    assert clocks["rover-2"]["skewed"] is False
    assert abs(clocks["rover-2"]["skew_s"]) < 5
    assert clocks["rover-3"] == {"source": "rover-3", "skew_s": 0.0, "skewed": False}
    (crossed,) = await _clock_events(client, auth_headers)
    assert crossed["kind"] == "clock_skew"
    assert crossed["source"] == "rover-1"
    assert crossed["severity"] == "warning"
    assert "behind" in crossed["title"]

    # Still behind: no second event.
    later = [
        sample(5.0, source="rover-1", metric="battery.voltage", ts=behind + timedelta(seconds=5))
    ]
    assert (await ingest(client, auth_headers, later)).status_code == 202
    assert len(await _clock_events(client, auth_headers)) == 1

    # The clock is fixed: the source returns, recorded once.
    fixed = [
        sample(6.0, source="rover-1", metric="battery.voltage", ts=utcnow()),
        sample(7.0, source="rover-1", metric="core.temp", ts=utcnow()),
    ]
    assert (await ingest(client, auth_headers, fixed)).status_code == 202
    clocks = await _clocks(client, auth_headers)
    assert clocks["rover-1"]["skewed"] is False
    events = await _clock_events(client, auth_headers)
    assert [(e["kind"], e["source"]) for e in events] == [
        ("clock_skew", "rover-1"),
        ("clock_in_step", "rover-1"),
    ]
    assert (await ingest(client, auth_headers, fixed)).status_code == 202
    assert len(await _clock_events(client, auth_headers)) == 2


async def test_the_warning_line_is_configurable(
    client: httpx.AsyncClient, auth_headers: dict[str, str], settings: Any
) -> None:
    ahead = utcnow() + timedelta(seconds=3)
    assert (await ingest(client, auth_headers, [sample(1.0, ts=ahead)])).status_code == 202
    clocks = await _clocks(client, auth_headers)
    assert clocks["rover-1"]["skewed"] is False  # 3 s ahead is within the default 5 s
    assert clocks["rover-1"]["skew_s"] < 0


def test_skew_is_described_in_words() -> None:
    assert describe(7200.4) == "2 h 0 min behind"
    assert describe(-12.34) == "12.3 s ahead"
    assert describe(95) == "1 min 35 s behind"


async def test_the_seeded_day_is_a_backfill_not_a_skewed_clock(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Any, settings: Any
) -> None:
    from chiron.dev.seed import seed

    await seed(db, settings=settings)
    assert await _clock_events(client, auth_headers) == []
    clocks = await _clocks(client, auth_headers)
    assert clocks
    assert not any(c["skewed"] for c in clocks.values())


async def test_a_slow_seed_still_ends_in_step(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    db: Any,
    settings: Any,
    monkeypatch: Any,
) -> None:
    """A backfill is received as it happened: however long the seeding takes (seconds on a
    loaded machine), the seeded sources' clocks read in step afterwards."""
    import asyncio

    from chiron.dev import seed as seeding

    ingest_chunk = seeding.telemetry.ingest

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.05)  # x ~30 chunks: well past the limit below
        return await ingest_chunk(*args, **kwargs)

    monkeypatch.setattr(seeding.telemetry, "ingest", slow)
    settings.skew_warn_s = 0.5
    await seeding.seed(db, settings=settings)
    clocks = await _clocks(client, auth_headers)
    assert clocks
    assert not any(c["skewed"] for c in clocks.values()), clocks
