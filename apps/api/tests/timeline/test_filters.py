"""Timeline filters, paging, unknown query parameters and the CSV exports."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.timeline import service
from chiron.uow import UnitOfWork

URL = "/api/v1/dashboard/timeline"
_now = utcnow().replace(microsecond=0)

KINDS = ("note", "deploy", "incident", "gate_transition")
SEVERITIES = ("info", "warning", "critical")
GATES = (None, "thermal", "power")
SOURCES = (None, "rover-1", "rover-2")
WORDS = ("Battery", "battery LOW", "50%_done", "back\\slash", "Thermal spike", "calm")


def _event(i: int) -> dict[str, object]:
    return {
        "kind": KINDS[i % 4],
        "severity": SEVERITIES[i % 3],
        "title": f"{WORDS[i % 6]} #{i}",
        "body": WORDS[(i * 5 + 1) % 6] if i % 2 else "",
        "gate_slug": GATES[i % 3],
        "source": SOURCES[(i // 3) % 3],
        # Every fourth pair shares a time: ties are broken by id.
        "ts": _now - timedelta(minutes=i - (i % 4 == 1)),
    }


EVENTS = [_event(i) for i in range(48)]


async def _seed(db: Database) -> None:
    async with UnitOfWork(db, None) as uow:
        for event in EVENTS:
            await service.record(uow, **event)  # type: ignore[arg-type]


def _keeps(event: dict[str, object], params: dict[str, object]) -> bool:
    ts = event["ts"]
    assert isinstance(ts, datetime)
    q = params.get("q")
    text = f"{event['title']}\n{event['body']}".lower()
    return (
        ("from" not in params or ts >= params["from"])  # type: ignore[operator]
        and ("to" not in params or ts <= params["to"])  # type: ignore[operator]
        and ("kind" not in params or event["kind"] in params["kind"])  # type: ignore[operator]
        and ("severity" not in params or event["severity"] in params["severity"])  # type: ignore[operator]
        and ("gate" not in params or event["gate_slug"] == params["gate"])
        and ("source" not in params or event["source"] == params["source"])
        and (not q or str(q).lower() in text)
    )


def _wire(params: dict[str, object]) -> dict[str, object]:
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in params.items()
    }


async def _all_pages(
    client: httpx.AsyncClient, headers: dict[str, str], params: dict[str, object], limit: int
) -> list[str]:
    titles: list[str] = []
    cursor = None
    for _ in range(200):
        query = {**_wire(params), "limit": limit, **({"before": cursor} if cursor else {})}
        response = await client.get(URL, params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        titles += [item["title"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return titles
    raise AssertionError("paging did not end")


def _expected(params: dict[str, object]) -> list[str]:
    kept = [(e["ts"], i, e["title"]) for i, e in enumerate(EVENTS) if _keeps(e, params)]
    return [str(title) for _, _, title in sorted(kept, key=lambda k: (k[0], k[1]), reverse=True)]


times = st.integers(min_value=-5, max_value=55).map(lambda m: _now - timedelta(minutes=m))
filters = st.fixed_dictionaries(
    {},
    optional={
        "from": times,
        "to": times,
        "kind": st.lists(st.sampled_from(KINDS), min_size=1, max_size=2),
        "severity": st.lists(st.sampled_from(SEVERITIES), min_size=1, max_size=2),
        "gate": st.sampled_from(GATES[1:]),
        "source": st.sampled_from(SOURCES[1:]),
        "q": st.sampled_from(("battery", "%", "_", "\\", "SPIKE", "#1", "nothing-like-it")),
    },
).filter(lambda p: "from" not in p or "to" not in p or p["from"] <= p["to"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=filters, limit=st.integers(min_value=1, max_value=9))
async def test_filters_and_paging_match_a_brute_force_filter(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    db: Database,
    params: dict[str, object],
    limit: int,
) -> None:
    probe = await client.get(URL, params={"limit": 1}, headers=auth_headers)
    if not probe.json()["items"]:
        await _seed(db)
    assert await _all_pages(client, auth_headers, params, limit) == _expected(params)


async def test_paging_neither_repeats_nor_skips_while_events_arrive(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    await _seed(db)
    titles: list[str] = []
    cursor = None
    for round_ in range(100):
        query = {"limit": 5, **({"before": cursor} if cursor else {})}
        page = (await client.get(URL, params=query, headers=auth_headers)).json()
        titles += [item["title"] for item in page["items"]]
        cursor = page["next_cursor"]
        # Newer events arrive between pages (and one in the past, dated before the cursor).
        async with UnitOfWork(db, None) as uow:
            await service.record(
                uow,
                kind="note",
                severity="info",
                title=f"new {round_}",
                ts=_now - timedelta(minutes=100) if round_ % 2 else None,
            )
        if cursor is None:
            break
    original = [t for t in titles if not t.startswith("new ")]
    assert original == _expected({})


async def test_bad_filters_are_a_422_naming_the_parameter(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    cases = {
        "severity": {"severity": "fatal"},
        "kind": {"kind": "Not A Kind"},
        "from": {"from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
        "to": {"to": "yesterday"},
        "q": {"q": "x" * 201},
        "source": {"source": "has space"},
    }
    for name, params in cases.items():
        response = await client.get(URL, params=params, headers=auth_headers)
        assert response.status_code == 422, (name, response.text)
        locations = [d["loc"] for d in response.json()["error"]["details"]]
        assert ["query", name] in [list(loc[:2]) for loc in locations], (name, locations)


async def test_unknown_query_parameters_are_a_422_on_every_endpoint(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    requests = [
        ("GET", URL + "?kind=deploy&serverity=critical"),
        ("GET", "/api/v1/dashboard/summary?window=1h"),
        ("GET", "/api/v1/dashboard/series?source=a&metric=b&form=2026-01-01T00:00:00Z"),
        ("GET", "/api/v1/gates?when=2026-01-01T00:00:00Z"),
        ("GET", "/healthz?verbose=1"),
        ("POST", "/api/v1/dashboard/samples?dry_run=1"),
        ("POST", "/api/v1/timeline?dry_run=1"),
    ]
    for method, url in requests:
        response = await client.request(method, url, headers=auth_headers, json={})
        assert response.status_code == 422, (url, response.text)
        error = response.json()["error"]
        assert error["code"] == "invalid_input"
        unknown = [d["loc"][1] for d in error["details"] if d["type"] == "unknown_parameter"]
        assert len(unknown) == 1, (url, error)
        assert f"{unknown[0]}=" in url
    # What a route declares is still accepted, and nothing was written by the refused POSTs.
    ok = await client.get(URL, params={"kind": "deploy", "limit": 5}, headers=auth_headers)
    assert ok.status_code == 200
    assert ok.json()["items"] == []


def _read_csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(response.text, newline="")))


async def test_timeline_csv_streams_every_matching_event_with_escaping(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database
) -> None:
    tricky = 'comma, "quoted"\nand a second line'
    async with UnitOfWork(db, None) as uow:
        for i in range(1203):  # more than two of the export's chunks
            await service.record(
                uow,
                kind="deploy" if i % 2 else "note",
                severity="info",
                title=f"e{i}",
                body=tricky if i == 7 else "",
                ts=_now - timedelta(seconds=i),
            )
    by_param = _read_csv(
        await client.get(URL, params={"format": "csv", "kind": "deploy"}, headers=auth_headers)
    )
    by_accept = _read_csv(
        await client.get(
            URL, params={"kind": "deploy"}, headers={**auth_headers, "Accept": "text/csv"}
        )
    )
    assert by_param == by_accept
    assert list(by_param[0]) == list(service.CSV_COLUMNS)
    assert [row["title"] for row in by_param] == [f"e{i}" for i in range(1, 1203, 2)]
    assert by_param[3]["body"] == tricky
    assert by_param[0]["ts"] == (_now - timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    assert by_param[0]["gate_slug"] == ""
    # JSON stays the default, and an Accept that also names JSON gets JSON.
    json_page = await client.get(
        URL,
        params={"kind": "deploy"},
        headers={**auth_headers, "Accept": "application/json, text/csv"},
    )
    assert json_page.headers["content-type"].startswith("application/json")
    assert len(json_page.json()["items"]) == 50


async def test_series_csv_has_the_buckets_of_the_json(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    samples = [
        {
            "source": "csv-src",
            "metric": "temp",
            "value": v,
            "unit": "°C",
            "ts": (_now - timedelta(minutes=30 - i)).isoformat(),
        }
        for i, v in enumerate([1.5, 2.5, 999.0, 3.0])
    ]
    stored = await client.post(
        "/api/v1/dashboard/samples", json={"samples": samples}, headers=auth_headers
    )
    assert stored.status_code == 202, stored.text
    params = {"source": "csv-src", "metric": "temp", "points": 10}
    as_json = (
        await client.get("/api/v1/dashboard/series", params=params, headers=auth_headers)
    ).json()
    rows = _read_csv(
        await client.get(
            "/api/v1/dashboard/series", params={**params, "format": "csv"}, headers=auth_headers
        )
    )
    assert len(rows) == len(as_json["points"]) > 0
    for row, point in zip(rows, as_json["points"], strict=True):
        assert datetime.fromisoformat(row["ts"]) == datetime.fromisoformat(point["ts"])
        assert row["ts"].endswith("Z")
        assert (float(row["min"]), float(row["max"]), int(row["count"])) == (
            point["min"],
            point["max"],
            point["count"],
        )
        assert row["unit"] == "°C"
    assert max(float(row["max"]) for row in rows) == 999.0
