"""The operator log through the API, on the run's store: authored by the credential,
searched and paged, edited by its author within 15 minutes (fake clock), then locked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from chiron.config import Settings
from chiron.kit.time import utcnow
from chiron.live.endpoints import TelemetryPayload
from chiron.log import service as log_service
from chiron.state import AppState
from tests.gates.alarm_helpers import bus_events, person, timeline

URL = "/api/v1/log"


async def write(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> Any:
    response = await client.post(URL, json={"body": "note", **body}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_entry_is_authored_by_the_credential_and_on_the_timeline(
    client: httpx.AsyncClient, settings: Settings, state: AppState
) -> None:
    ada = person(settings, "operator", name="Ada", station="THERMAL")
    forged = {"body": "hi", "author": {"subject": "user_mallory"}}
    assert (await client.post(URL, json=forged, headers=ada)).status_code == 422
    at = utcnow() - timedelta(minutes=5)
    entry = await write(
        client, ada, body="Heater cycled\nsecond line", tags=["Thermal", "thermal", "anomaly"],
        gate="thermal", source="core", at=at.isoformat(),
        range={"from": (at - timedelta(minutes=1)).isoformat(), "to": at.isoformat()},
    )  # fmt: skip
    actor = {"subject": "user_ada", "name": "Ada", "role": "org:operator", "station": "THERMAL"}
    assert entry["author"] == actor
    assert entry["tags"] == ["thermal", "anomaly"]
    assert entry["gate"] == "thermal"
    assert entry["range"]["to"] == entry["at"]
    assert entry["edits"] == []
    (event,) = await timeline(client, ada, "log")
    assert event["id"] == entry["event_id"]
    assert event["actor"] == actor
    assert event["title"] == "Ada (THERMAL): Heater cycled"
    assert event["body"] == "Heater cycled\nsecond line"
    assert event["gate_slug"] == "thermal"
    (streamed,) = await bus_events(state, "log")
    assert streamed["entry"]["id"] == entry["id"]
    assert TelemetryPayload.model_validate(streamed).root.type == "log"  # in the stream's union
    reversed_range = {"from": at.isoformat(), "to": (at - timedelta(seconds=1)).isoformat()}
    bad = await client.post(URL, json={"body": "x", "range": reversed_range}, headers=ada)
    assert bad.status_code == 422
    future = (utcnow() + timedelta(days=2)).isoformat()
    assert (
        await client.post(URL, json={"body": "x", "at": future}, headers=ada)
    ).status_code == 422
    assert (await client.post(URL, json={"body": ""}, headers=ada)).status_code == 422


async def test_list_searches_filters_and_pages(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    ada = person(settings, name="Ada")
    grace = person(settings, name="Grace", station="POWER")
    now = utcnow()
    made = []
    for i, (who, body, tags) in enumerate([
        (ada, "Battery 50% pre-charge", ["power"]),
        (grace, "Heater ON", ["thermal"]),
        (ada, "heater off again", ["thermal", "anomaly"]),
        (grace, "Comms pass AOS", []),
        (ada, "LOS", ["comms"]),
    ]):  # fmt: skip
        at = now - timedelta(minutes=10 - i)
        made.append(await write(client, who, body=body, tags=tags, at=at.isoformat()))

    async def ids(query: str) -> list[int]:
        response = await client.get(f"{URL}?{query}", headers=ada)
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["items"]]

    newest_first = [e["id"] for e in reversed(made)]
    assert await ids("") == newest_first
    assert await ids("q=HEATER") == [made[2]["id"], made[1]["id"]]
    assert await ids("q=50%25") == [made[0]["id"]]  # a literal %, not a wildcard
    assert await ids("q=%25%25") == []
    assert await ids("tag=thermal") == [made[2]["id"], made[1]["id"]]
    assert await ids("tag=anomaly&q=heater") == [made[2]["id"]]
    assert await ids("author=grace") == [made[3]["id"], made[1]["id"]]
    assert await ids("author=user_ada") == [made[4]["id"], made[2]["id"], made[0]["id"]]
    window = f"from={made[1]['at']}&to={made[3]['at']}".replace("+", "%2B")
    assert await ids(window) == [made[3]["id"], made[2]["id"], made[1]["id"]]

    seen: list[int] = []
    cursor: str | None = None
    while True:
        query = "limit=2" + (f"&before={cursor}" if cursor else "")
        page = (await client.get(f"{URL}?{query}", headers=ada)).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == newest_first

    for bad in ("nope=1", "before=%%%", "limit=0", "limit=201",
                f"from={made[3]['at']}&to={made[1]['at']}".replace("+", "%2B")):  # fmt: skip
        assert (await client.get(f"{URL}?{bad}", headers=ada)).status_code == 422, bad


async def test_author_edits_within_15_minutes_then_it_is_locked(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = person(settings, name="Ada")
    start = utcnow()
    monkeypatch.setattr(log_service, "utcnow", lambda: start)
    entry = await write(client, ada, body="Heater on", tags=["thermal"])
    url = f"{URL}/{entry['id']}"

    monkeypatch.setattr(log_service, "utcnow", lambda: start + timedelta(minutes=14, seconds=59))
    edited = await client.patch(url, json={"body": "Heater ON at 40%", "tags": ["thermal", "ops"]},
                                headers=ada)  # fmt: skip
    assert edited.status_code == 200, edited.text
    out = edited.json()
    assert out["body"] == "Heater ON at 40%"
    assert out["tags"] == ["thermal", "ops"]
    (history,) = out["edits"]
    assert history["body"] == "Heater on"
    assert history["tags"] == ["thermal"]
    assert history["editor"]["subject"] == "user_ada"
    (event,) = await timeline(client, ada, "log")
    assert event["body"] == "Heater ON at 40%"  # the timeline shows the entry as it is now
    listed = (await client.get(f"{URL}?tag=ops", headers=ada)).json()["items"]
    assert [e["id"] for e in listed] == [entry["id"]]
    assert listed[0]["edits"] == out["edits"]

    monkeypatch.setattr(log_service, "utcnow", lambda: start + timedelta(minutes=15))
    locked = await client.patch(url, json={"body": "too late"}, headers=ada)
    assert locked.status_code == 409
    assert locked.json()["error"]["code"] == "locked"
    (after,) = (await client.get(URL, headers=ada)).json()["items"]
    assert after["body"] == "Heater ON at 40%"
    assert len(after["edits"]) == 1


async def test_someone_elses_entry_is_403_and_unchanged(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    ada = person(settings, name="Ada")
    grace = person(settings, "director", name="Grace", station="FLIGHT")
    entry = await write(client, ada, body="mine")
    refused = await client.patch(f"{URL}/{entry['id']}", json={"body": "hers"}, headers=grace)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_author"
    (after,) = (await client.get(URL, headers=ada)).json()["items"]
    assert after["body"] == "mine"
    assert after["edits"] == []
    missing = await client.patch(f"{URL}/999999", json={"body": "x"}, headers=ada)
    assert missing.status_code == 404
    forged = await client.patch(f"{URL}/{entry['id']}", json={"author": {}}, headers=ada)
    assert forged.status_code == 422
