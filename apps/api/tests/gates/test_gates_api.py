from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.state import AppState
from chiron.telemetry.staleness import sweep
from chiron.uow import UnitOfWork
from tests.fixtures.factories import gate_body, ingest, put_gate, sample, series


def temp(values: list[float]) -> list[dict[str, object]]:
    return series(
        values,
        source="core",
        metric="core.temp",
        unit="°C",
        start=utcnow() - timedelta(seconds=len(values) + 5),
    )


async def test_create_then_edit_a_gate(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    created = await client.put("/api/v1/gates/thermal", json=gate_body(), headers=auth_headers)
    assert created.status_code == 201
    assert created.json()["status"] == "go"
    edited = await client.put(
        "/api/v1/gates/thermal", json=gate_body(title="Core heat"), headers=auth_headers
    )
    assert edited.status_code == 200
    listed = (await client.get("/api/v1/gates", headers=auth_headers)).json()["items"]
    assert [(g["slug"], g["title"]) for g in listed] == [("thermal", "Core heat")]


async def test_gate_follows_samples_with_one_transition_and_one_timeline_event(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    await put_gate(client, auth_headers)
    response = await ingest(client, auth_headers, temp([70, 79.5, 80.5, 79.9, 80.2, 79.1, 81]))
    transitions = response.json()["gate_transitions"]
    assert [(t["from_status"], t["to_status"]) for t in transitions] == [("go", "hold")]
    assert transitions[0]["threshold"] == 80.0
    gate = (await client.get("/api/v1/gates", headers=auth_headers)).json()["items"][0]
    assert gate["status"] == "hold"
    assert gate["value"] == 81
    assert gate["threshold"] == 80.0
    assert gate["unit"] == "°C"
    events = (await client.get("/api/v1/dashboard/timeline", headers=auth_headers)).json()["items"]
    transition_events = [e for e in events if e["kind"] == "gate_transition"]
    assert len(transition_events) == 1
    assert transition_events[0]["severity"] == "warning"
    assert transition_events[0]["gate_slug"] == "thermal"
    assert "GO → HOLD" in transition_events[0]["title"]


async def test_gate_state_is_kept_between_batches(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    # Ingest reads and writes a gate's state as plain rows: the violation count, the
    # status, since, value and times must all survive from one batch to the next.
    await put_gate(client, auth_headers, min_violations=2)
    first = await ingest(client, auth_headers, temp([85]))
    assert first.json()["gate_transitions"] == []
    before = utcnow()
    device_time = before - timedelta(seconds=1)
    second = await ingest(
        client, auth_headers, [sample(86.5, source="core", metric="core.temp", ts=device_time)]
    )
    transitions = second.json()["gate_transitions"]
    assert [(t["from_status"], t["to_status"]) for t in transitions] == [("go", "hold")]
    gate = (await client.get("/api/v1/gates", headers=auth_headers)).json()["items"][0]
    assert (gate["status"], gate["value"], gate["threshold"]) == ("hold", 86.5, 80.0)
    assert datetime.fromisoformat(gate["since"]) == device_time
    assert datetime.fromisoformat(gate["last_seen_at"]) >= before
    assert datetime.fromisoformat(gate["updated_at"]) >= before
    assert gate["stale"] is False


async def test_no_go_then_recovery(client: httpx.AsyncClient, auth_headers: dict[str, str]) -> None:
    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, temp([95]))
    response = await ingest(client, auth_headers, [sample(60, source="core", metric="core.temp")])
    assert [(t["from_status"], t["to_status"]) for t in response.json()["gate_transitions"]] == [
        ("no-go", "go")
    ]
    summary = (await client.get("/api/v1/dashboard/summary", headers=auth_headers)).json()
    assert summary["counts"]["gates"] == {"go": 1, "hold": 0, "no-go": 0, "stale": 0, "no_data": 0}
    # The samples are dated seconds ago: the timeline also notes the clock skew that reads as.
    timeline = await client.get(
        "/api/v1/dashboard/timeline", params={"kind": "gate_transition"}, headers=auth_headers
    )
    assert [e["severity"] for e in timeline.json()["items"]] == ["info", "critical"]


async def test_editing_thresholds_re_evaluates_against_the_latest_value(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    await ingest(client, auth_headers, temp([85]))
    gate = await put_gate(client, auth_headers)
    assert gate["status"] == "hold"
    assert gate["value"] == 85
    gate = await put_gate(client, auth_headers, warn=86, critical=95)
    assert gate["status"] == "go"


async def test_out_of_order_samples_do_not_drive_the_gate(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    await put_gate(client, auth_headers)
    now = utcnow()
    await ingest(client, auth_headers, [sample(60, source="core", metric="core.temp", ts=now)])
    response = await ingest(
        client,
        auth_headers,
        [sample(99, source="core", metric="core.temp", ts=now - timedelta(minutes=1))],
    )
    assert response.json()["gate_transitions"] == []


async def test_invalid_gates_are_refused(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    for body in (
        gate_body(warn=90, critical=80),
        gate_body(direction="sideways"),
        gate_body(hysteresis=-1),
        gate_body(stale_after_s=5),
        gate_body(extra=1),
        # JSON types as the schema says: no numbers from strings, no integers from bools.
        gate_body(warn="80"),
        gate_body(min_violations=True),
        gate_body(position=1.5),
        gate_body(min_violations=76.5),
        gate_body(min_violations="3"),
        # Integer literals too large for a double: 422, not an OverflowError.
        gate_body(warn=10**400, critical=10**401),
        gate_body(position=10**400),
        gate_body(min_violations=10**400),
    ):
        response = await client.put("/api/v1/gates/thermal", json=body, headers=auth_headers)
        assert response.status_code == 422, body
    response = await client.put("/api/v1/gates/Bad_Slug", json=gate_body(), headers=auth_headers)
    assert response.status_code == 422


async def test_integral_numbers_are_integers_as_the_schema_says(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """JSON Schema's `integer` includes 76.0; the API reads it as 76 (issue 17)."""
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]["GateUpsert"]
    assert schema["properties"]["min_violations"]["type"] == "integer"
    body = gate_body(min_violations=76.0, position=3.0)
    response = await client.put("/api/v1/gates/thermal", json=body, headers=auth_headers)
    assert response.status_code == 201, response.text
    assert (response.json()["min_violations"], response.json()["position"]) == (76, 3)


async def test_gate_edit_needs_admin(client: httpx.AsyncClient, make_token) -> None:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {await make_token(['read', 'ingest'])}"}
    response = await client.put("/api/v1/gates/thermal", json=gate_body(), headers=headers)
    assert response.status_code == 403


async def test_a_silent_source_turns_its_gate_stale_then_fresh(
    client: httpx.AsyncClient, auth_headers: dict[str, str], state: AppState, db: Database
) -> None:
    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, temp([70]))

    async def swept(now: datetime | None = None) -> list[str]:
        async with UnitOfWork(db, state.bus) as uow:
            await sweep(uow, now)
        return sorted(m.type for m in uow.sent)

    assert await swept() == []  # fresh: nothing to do
    # gate stale + gate event + source silent, and the silence raises the gate's alarm
    assert await swept(utcnow() + timedelta(minutes=3)) == [
        "alarm",
        "gate",
        "metric",
        "timeline",
        "timeline",
    ]
    assert await swept(utcnow() + timedelta(minutes=4)) == []  # once only

    gate = (await client.get("/api/v1/gates", headers=auth_headers)).json()["items"][0]
    assert gate["stale"] is True
    assert gate["status"] == "go"  # the last status is kept, marked stale

    await ingest(client, auth_headers, [sample(71, source="core", metric="core.temp")])
    gate = (await client.get("/api/v1/gates", headers=auth_headers)).json()["items"][0]
    assert gate["stale"] is False
    titles = [
        e["title"]
        for e in (await client.get("/api/v1/dashboard/timeline", headers=auth_headers)).json()[
            "items"
        ]
    ]
    assert "Thermal envelope: reporting again" in titles
    assert "Thermal envelope: STALE" in titles
    assert "core went silent" in titles
