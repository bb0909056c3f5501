"""Every new endpoint against every kind of caller: viewer, operator, director, admin (all
browser sessions with a station) and a device's API key (scope `ingest`)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from chiron.config import Settings
from tests.fixtures.auth import MakeToken
from tests.gates.alarm_helpers import person
from tests.polls.helpers import open_poll

WHO = ("viewer", "operator", "director", "admin", "device")
# (method, path, body, who may): {poll} is an open poll listing the caller's station,
# {entry} a log entry the caller wrote.
ROUTES: list[tuple[str, str, Any, set[str]]] = [
    ("GET", "/api/v1/log", None, {"viewer", "operator", "director", "admin"}),
    ("POST", "/api/v1/log", {"body": "x"}, {"operator", "director", "admin"}),
    ("PATCH", "/api/v1/log/{entry}", {"body": "y"}, {"operator", "director", "admin"}),
    ("GET", "/api/v1/polls", None, {"viewer", "operator", "director", "admin"}),
    ("GET", "/api/v1/polls/{poll}", None, {"viewer", "operator", "director", "admin"}),
    ("POST", "/api/v1/polls", {"question": "Go?", "stations": ["POWER"]}, {"director", "admin"}),
    ("POST", "/api/v1/polls/{poll}/answers", {"answer": "go"}, {"operator", "director", "admin"}),
    ("POST", "/api/v1/polls/{poll}/close", {}, {"director", "admin"}),
]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("method", "path", "body", "allowed"), ROUTES)
async def test_scope_matrix(
    client: httpx.AsyncClient,
    settings: Settings,
    make_token: MakeToken,
    who: str,
    method: str,
    path: str,
    body: Any,
    allowed: set[str],
) -> None:
    if who == "device":
        headers = {"Authorization": f"Bearer {await make_token(['ingest'])}"}
    else:
        headers = person(settings, who, name=who.title(), station="POWER")
    author = headers if who in {"operator", "director", "admin"} else person(settings)
    entry = await client.post("/api/v1/log", json={"body": "mine"}, headers=author)
    poll = await open_poll(client, settings, stations=["POWER"])
    url = path.format(entry=entry.json()["id"], poll=poll["id"])
    response = await client.request(method, url, json=body, headers=headers)
    if who in allowed:
        assert response.status_code in (200, 201), response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "insufficient_scope"
