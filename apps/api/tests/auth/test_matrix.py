"""Every credential state against every protected route family: 401, 403 or through."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.auth.conftest import CREDENTIAL_STATES, Credentials
from tests.auth.helpers import is_registered

PROBES = {
    "ingest": ("POST", "/_probe/ingest"),
    "read": ("GET", "/_probe/read"),
    "operate": ("POST", "/_probe/operate"),
    "direct": ("POST", "/_probe/direct"),
    "admin": ("PUT", "/_probe/admin"),
}

SAMPLE = {"samples": [{"source": "rover-1", "metric": "battery.voltage", "value": 12.1}]}
GATE = {
    "title": "Battery",
    "source": "rover-1",
    "metric": "battery.voltage",
    "warn": 11.5,
    "critical": 11.0,
    "direction": "below",
}
# (method, concrete path, body, scope): the routes other modules register.
REAL_ROUTES: list[tuple[str, str, Any, str]] = [
    ("POST", "/api/v1/dashboard/samples", SAMPLE, "ingest"),
    ("GET", "/api/v1/dashboard/summary", None, "read"),
    ("GET", "/api/v1/dashboard/timeline", None, "read"),
    ("GET", "/api/v1/dashboard/series?source=rover-1&metric=battery.voltage", None, "read"),
    ("GET", "/api/v1/dashboard/stream", None, "read"),
    ("GET", "/api/v1/gates", None, "read"),
    ("PUT", "/api/v1/gates/battery", GATE, "admin"),
    ("GET", "/api/v1/alarms", None, "read"),
    ("POST", "/api/v1/gates/battery/alarm/acknowledge", {}, "operate"),
    ("POST", "/api/v1/gates/battery/alarm/shelve", {"duration_s": 60, "comment": "x"}, "operate"),
    ("POST", "/api/v1/gates/battery/alarm/unshelve", {}, "operate"),
    ("GET", "/api/v1/log", None, "read"),
    ("POST", "/api/v1/log", {"body": "x"}, "operate"),
    ("PATCH", "/api/v1/log/1", {"body": "x"}, "operate"),
    ("GET", "/api/v1/polls", None, "read"),
    ("GET", "/api/v1/polls/1", None, "read"),
    ("POST", "/api/v1/polls", {"question": "Go?", "stations": ["POWER"]}, "direct"),
    ("POST", "/api/v1/polls/1/answers", {"answer": "go"}, "operate"),
    ("POST", "/api/v1/polls/1/close", {}, "direct"),
    ("POST", "/api/v1/webhooks", {"url": "http://127.0.0.1:9/h", "events": ["alarm"]}, "admin"),
    ("GET", "/api/v1/webhooks", None, "admin"),
    ("DELETE", "/api/v1/webhooks/1", None, "admin"),
    ("POST", "/api/v1/webhooks/1/ping", None, "admin"),
    ("GET", "/api/v1/webhooks/1/deliveries", None, "admin"),
]
FAILURE_STATES = [s for s, (status, _) in CREDENTIAL_STATES.items() if status != 200]


def assert_outcome(response: httpx.Response, credential: str) -> None:
    status, code = CREDENTIAL_STATES[credential]
    assert response.status_code == status, response.text
    if code is None:
        return
    body = response.json()
    assert body["error"]["code"] == code
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert "error=" in challenge
    if status == 403:
        assert 'error="insufficient_scope"' in challenge


@pytest.mark.parametrize("scope", list(PROBES))
@pytest.mark.parametrize("credential", list(CREDENTIAL_STATES))
async def test_probe_matrix(
    client: httpx.AsyncClient, credentials: Credentials, credential: str, scope: str
) -> None:
    method, path = PROBES[scope]
    response = await client.request(method, path, headers=await credentials(credential, scope))
    assert_outcome(response, credential)
    if response.status_code == 200:
        assert scope in response.json()["scopes"]


async def test_admin_implies_every_scope(client: httpx.AsyncClient, make_token: Any) -> None:
    headers = {"Authorization": f"Bearer {await make_token(['admin'])}"}
    for method, path in PROBES.values():
        assert (await client.request(method, path, headers=headers)).status_code == 200


@pytest.mark.parametrize(("method", "path", "body", "scope"), REAL_ROUTES)
@pytest.mark.parametrize("credential", FAILURE_STATES)
async def test_real_routes_refuse_bad_credentials(
    app: FastAPI,
    client: httpx.AsyncClient,
    credentials: Credentials,
    credential: str,
    method: str,
    path: str,
    body: Any,
    scope: str,
) -> None:
    assert is_registered(app, method, path), f"{method} {path} is not a route"
    headers = await credentials(credential, scope)
    response = await client.request(method, path, headers=headers, json=body)
    assert_outcome(response, credential)
