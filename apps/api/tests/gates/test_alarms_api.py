"""The alarm lifecycle through the API, on the run's store: raised by ingest and by the
staleness sweep, latched, acknowledged, shelved, recorded with the actor."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from chiron.config import Settings
from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.state import AppState
from chiron.telemetry.staleness import sweep
from chiron.uow import UnitOfWork
from tests.fixtures.factories import ingest, put_gate
from tests.gates.alarm_helpers import action, alarm, bus_events, person, temp, timeline


@pytest.fixture
async def thermal(client: httpx.AsyncClient, auth_headers: dict[str, str]) -> None:
    await put_gate(client, auth_headers)  # core.temp, warn 80, critical 90, above
    assert (await ingest(client, auth_headers, temp([70]))).status_code == 202


@pytest.mark.usefixtures("thermal")
async def test_go_nogo_hold_go_latches_the_peak_until_acknowledged(
    client: httpx.AsyncClient, auth_headers: dict[str, str], settings: Settings, state: AppState
) -> None:
    assert (await alarm(client, auth_headers))["state"] == "normal"
    await ingest(client, auth_headers, temp([91.0, 94.5, 92.0]))
    raised = await alarm(client, auth_headers)
    assert raised["state"] == "unacked"
    assert raised["trigger"] == "status"
    assert raised["actions"] == ["acknowledge", "shelve"]
    await ingest(client, auth_headers, temp([85.0]))  # HOLD
    await ingest(client, auth_headers, temp([70.0]))  # GO: returned, unacknowledged
    returned = await alarm(client, auth_headers)
    assert returned["state"] == "rtn_unacked"
    assert returned["latched_status"] == "no-go"
    assert returned["peak"]["status"] == "no-go"
    assert returned["peak"]["value"] == 94.5
    assert returned["peak"]["unit"] == "°C"

    operator = person(settings, "operator", name="Ada", station="THERMAL")
    acked = await client.post(action("thermal", "acknowledge"), json={}, headers=operator)
    assert acked.status_code == 200, acked.text
    assert acked.json()["alarm"]["state"] == "normal"
    summary = (await client.get("/api/v1/dashboard/summary", headers=auth_headers)).json()
    assert summary["gates"][0]["alarm"]["state"] == "normal"
    assert summary["counts"]["alarms"] == {
        "normal": 1, "unacked": 0, "acked": 0, "rtn_unacked": 0, "shelved": 0
    }  # fmt: skip
    # Raised (ingest), latched twice more, returned, acknowledged: each on the stream.
    kinds = [(e["alarm"]["alarm"]["state"], e["action"]) for e in await bus_events(state, "alarm")]
    assert kinds[0] == ("unacked", None)
    assert kinds[-2:] == [("rtn_unacked", None), ("normal", "acknowledge")]


@pytest.mark.usefixtures("thermal")
async def test_acknowledged_then_worse_raises_again_with_a_new_latch(
    client: httpx.AsyncClient, auth_headers: dict[str, str], settings: Settings
) -> None:
    operator = person(settings)
    await ingest(client, auth_headers, temp([84.0]))  # HOLD
    first = await client.post(action("thermal", "acknowledge"), json={}, headers=operator)
    assert first.json()["alarm"]["state"] == "acked"
    await ingest(client, auth_headers, temp([84.5]))  # still HOLD: stays acknowledged
    assert (await alarm(client, auth_headers))["state"] == "acked"
    await ingest(client, auth_headers, temp([93.0]))  # HOLD -> NO-GO
    again = await alarm(client, auth_headers)
    assert again["state"] == "unacked"
    assert again["latched_status"] == "no-go"
    assert again["peak"]["value"] == 93.0
    assert again["acked_by"] is None
    # Acknowledged and back to GO: normal, no stop at rtn_unacked.
    await client.post(action("thermal", "acknowledge"), json={}, headers=operator)
    await ingest(client, auth_headers, temp([70.0]))
    assert (await alarm(client, auth_headers))["state"] == "normal"


@pytest.mark.usefixtures("thermal")
async def test_a_silent_input_raises_the_alarm(
    client: httpx.AsyncClient, auth_headers: dict[str, str], db: Database, state: AppState
) -> None:
    async with UnitOfWork(db, state.bus) as uow:
        await sweep(uow, utcnow() + timedelta(minutes=3))
    stale = await alarm(client, auth_headers)
    assert stale["state"] == "unacked"
    assert stale["trigger"] == "stale"
    await ingest(client, auth_headers, temp([71.0]))  # reporting again, GO
    assert (await alarm(client, auth_headers))["state"] == "rtn_unacked"


@pytest.mark.usefixtures("thermal")
async def test_actor_is_the_credentials_never_the_bodys(
    client: httpx.AsyncClient, auth_headers: dict[str, str], settings: Settings, state: AppState
) -> None:
    await ingest(client, auth_headers, temp([95.0]))
    operator = person(settings, "operator", name="Grace", station="POWER")
    forged = {"comment": "looking", "actor": {"subject": "user_mallory", "name": "Mallory"}}
    refused = await client.post(action("thermal", "acknowledge"), json=forged, headers=operator)
    assert refused.status_code == 422  # no such field: a body cannot name an actor
    acked = await client.post(
        action("thermal", "acknowledge"), json={"comment": "looking"}, headers=operator
    )
    assert acked.status_code == 200
    actor = {"subject": "user_grace", "name": "Grace", "role": "org:operator", "station": "POWER"}
    assert acked.json()["alarm"]["acked_by"] == actor
    assert acked.json()["alarm"]["comment"] == "looking"
    (event,) = await timeline(client, auth_headers, "alarm")
    assert event["actor"] == actor
    assert event["gate_slug"] == "thermal"
    assert "acknowledged by Grace (POWER)" in event["title"]
    assert event["body"] == "looking"
    (streamed,) = [e for e in await bus_events(state, "alarm") if e["action"]]
    assert streamed["actor"] == actor
    timeline_streamed = [e["event"] for e in await bus_events(state, "timeline")]
    assert any(e["kind"] == "alarm" and e["actor"] == actor for e in timeline_streamed)


@pytest.mark.usefixtures("thermal")
async def test_actions_that_do_not_apply_are_409(
    client: httpx.AsyncClient, auth_headers: dict[str, str], settings: Settings
) -> None:
    operator = person(settings)
    for verb in ("acknowledge", "unshelve"):
        response = await client.post(action("thermal", verb), json={}, headers=operator)
        assert response.status_code == 409, verb
        error = response.json()["error"]
        assert error["code"] == "invalid_transition"
        assert error["details"]["state"] == "normal"
        assert error["details"]["allowed"] == ["shelve"]
    missing = await client.post(action("nope", "acknowledge"), json={}, headers=operator)
    assert missing.status_code == 404
    # Nothing recorded for refused actions.
    assert await timeline(client, auth_headers, "alarm") == []


@pytest.mark.usefixtures("thermal")
async def test_shelve_needs_a_comment_and_a_bounded_duration(
    client: httpx.AsyncClient, auth_headers: dict[str, str], settings: Settings
) -> None:
    operator = person(settings)
    url = action("thermal", "shelve")
    for body in (
        {"duration_s": 60},
        {"duration_s": 60, "comment": ""},
        {"duration_s": 60, "comment": "   "},
        {"duration_s": 0, "comment": "swap"},
        {"duration_s": settings.shelve_max_s + 1, "comment": "swap"},
        {"duration_s": "60", "comment": "swap"},
    ):
        response = await client.post(url, json=body, headers=operator)
        assert response.status_code == 422, body
    settings.shelve_max_s = 120
    too_long = await client.post(url, json={"duration_s": 121, "comment": "x"}, headers=operator)
    assert too_long.status_code == 422
    shelved = await client.post(url, json={"duration_s": 120, "comment": "swap"}, headers=operator)
    assert shelved.status_code == 200, shelved.text
    body = shelved.json()["alarm"]
    assert body["state"] == "shelved"
    assert body["actions"] == ["unshelve"]
    assert body["shelved_by"]["name"] == "Ada"
    again = await client.post(url, json={"duration_s": 60, "comment": "swap"}, headers=operator)
    assert again.status_code == 409
    # Suppressed: the gate goes NO-GO, the alarm stays shelved.
    await ingest(client, auth_headers, temp([95.0]))
    assert (await alarm(client, auth_headers))["state"] == "shelved"
    unshelved = await client.post(action("thermal", "unshelve"), json={}, headers=operator)
    assert unshelved.json()["alarm"]["state"] == "unacked"  # the condition is still there
    assert unshelved.json()["alarm"]["latched_status"] == "no-go"


@pytest.mark.usefixtures("thermal")
async def test_two_simultaneous_acknowledgements_record_one(
    client: httpx.AsyncClient, auth_headers: dict[str, str], settings: Settings, state: AppState
) -> None:
    await ingest(client, auth_headers, temp([95.0]))
    ada, grace = person(settings, name="Ada"), person(settings, name="Grace", station="POWER")
    responses = await asyncio.gather(
        *(
            client.post(action("thermal", "acknowledge"), json={}, headers=h)
            for h in (ada, grace, ada, grace)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]
    assert len(await timeline(client, auth_headers, "alarm")) == 1
    assert len([e for e in await bus_events(state, "alarm") if e["action"]]) == 1


async def test_list_filters_by_state(
    client: httpx.AsyncClient, auth_headers: dict[str, str], settings: Settings
) -> None:
    await put_gate(client, auth_headers, "thermal")
    await put_gate(client, auth_headers, "battery", source="rover-1", metric="battery.temp")
    await ingest(client, auth_headers, temp([95.0]))
    viewer = person(settings, "viewer")
    every = (await client.get("/api/v1/alarms", headers=viewer)).json()
    assert [(a["gate"], a["alarm"]["state"]) for a in every["items"]] == [
        ("battery", "normal"),
        ("thermal", "unacked"),
    ]
    assert every["counts"]["unacked"] == 1
    assert every["counts"]["normal"] == 1
    unacked = (await client.get("/api/v1/alarms?state=unacked", headers=viewer)).json()
    assert [a["gate"] for a in unacked["items"]] == ["thermal"]
    both = await client.get("/api/v1/alarms?state=unacked&state=normal", headers=viewer)
    assert len(both.json()["items"]) == 2
    bad = await client.get("/api/v1/alarms?state=loud", headers=viewer)
    assert bad.status_code == 422
