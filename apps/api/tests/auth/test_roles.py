"""Browser sessions: scopes from the sign-in's Clerk-style org_role, the station claim, and
who may call each alarm endpoint (viewer / operator / director / admin / device key)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from chiron.state import AppState
from tests.auth.helpers import exchange, mock_key, signed
from tests.fixtures.auth import MakeToken
from tests.fixtures.factories import ingest, put_gate, sample

ROLE_SCOPES = {
    "org:viewer": ["read"],
    "org:operator": ["operate", "read"],
    "org:director": ["direct", "operate", "read"],
    "org:admin": ["admin", "direct", "operate", "read"],
}


async def sign_in(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    minted = await client.post("/auth/dev/assertion", json={"email": "ada@example.com", **body})
    assert minted.status_code == 200, minted.text
    return await exchange(client, minted.json()["assertion"])


@pytest.mark.parametrize(("role", "scopes"), list(ROLE_SCOPES.items()))
async def test_scopes_come_from_the_org_role(
    client: httpx.AsyncClient, role: str, scopes: list[str]
) -> None:
    response = await sign_in(client, name="Ada", org_role=role, station="thermal")
    assert response.status_code == 200, response.text
    assert response.json()["scopes"] == scopes
    token = response.json()["access_token"]
    me = (await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})).json()
    assert (me["role"], me["station"], me["scopes"]) == (role, "THERMAL", scopes)
    # A refresh keeps who they are.
    refreshed = await client.post("/auth/refresh", headers={"Authorization": f"Bearer {token}"})
    again = refreshed.json()["access_token"]
    me = (await client.get("/auth/me", headers={"Authorization": f"Bearer {again}"})).json()
    assert (me["role"], me["station"], me["scopes"]) == (role, "THERMAL", scopes)


async def test_the_development_issuer_signs_in_operators_by_default(
    client: httpx.AsyncClient,
) -> None:
    response = await sign_in(client)
    assert response.json()["scopes"] == ["operate", "read"]
    refused = await client.post(
        "/auth/dev/assertion", json={"email": "a@b.c", "org_role": "org:root"}
    )
    assert refused.status_code == 422
    bad_station = await client.post(
        "/auth/dev/assertion", json={"email": "a@b.c", "station": "no spaces"}
    )
    assert bad_station.status_code == 422


@pytest.mark.parametrize(
    ("claims", "scopes"),
    [
        ({}, ["read"]),  # no role: a viewer
        ({"org_role": "org:superuser"}, ["read"]),  # unknown: a viewer
        ({"org_role": "org:director"}, ["direct", "operate", "read"]),
        ({"o": {"id": "org_1", "rol": "operator"}}, ["operate", "read"]),  # Clerk v2 tokens
    ],
)
async def test_role_claims_as_a_real_issuer_sends_them(
    client: httpx.AsyncClient, state: AppState, claims: dict[str, Any], scopes: list[str]
) -> None:
    forged = signed(await mock_key(state), **claims)
    response = await exchange(client, forged)
    assert response.status_code == 200, response.text
    assert response.json()["scopes"] == scopes


async def test_a_malformed_station_claim_is_refused(
    client: httpx.AsyncClient, state: AppState
) -> None:
    forged = signed(await mock_key(state), station="FLIGHT; DROP")
    response = await exchange(client, forged)
    assert response.status_code == 401
    assert "station" in response.json()["error"]["message"]


# Every new endpoint x every kind of caller: through (2xx, or 409 for an alarm in another
# state) or 403 insufficient_scope.
ALARM_ROUTES: list[tuple[str, str, Any, str]] = [
    ("GET", "/api/v1/alarms", None, "read"),
    ("POST", "/api/v1/gates/thermal/alarm/acknowledge", {}, "operate"),
    ("POST", "/api/v1/gates/thermal/alarm/shelve", {"duration_s": 60, "comment": "x"}, "operate"),
    ("POST", "/api/v1/gates/thermal/alarm/unshelve", {}, "operate"),
]
CALLERS = ["org:viewer", "org:operator", "org:director", "org:admin", "device_key"]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path", "body", "scope"), ALARM_ROUTES)
async def test_scope_matrix(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    make_token: MakeToken,
    caller: str,
    method: str,
    path: str,
    body: Any,
    scope: str,
) -> None:
    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, [sample(95.0, source="core", metric="core.temp")])
    if caller == "device_key":
        token, scopes = await make_token(["ingest"], name="rover-7"), ["ingest"]
    else:
        signed_in = (await sign_in(client, org_role=caller, station="FLIGHT")).json()
        token, scopes = signed_in["access_token"], signed_in["scopes"]
    client.cookies.clear()
    response = await client.request(
        method, path, json=body, headers={"Authorization": f"Bearer {token}"}
    )
    allowed = scope in scopes or "admin" in scopes
    if allowed:
        assert response.status_code in (200, 409), response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "insufficient_scope"


async def test_the_session_cookie_counts_for_operator_actions_sent_as_json(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, [sample(95.0, source="core", metric="core.temp")])
    await sign_in(client, org_role="org:operator", station="THERMAL")  # sets the cookie
    url = "/api/v1/gates/thermal/alarm/acknowledge"
    # A form or a text body (what a cross-site page can send without a preflight): refused.
    for content in ("text/plain", "application/x-www-form-urlencoded"):
        refused = await client.post(url, content=b"{}", headers={"content-type": content})
        assert refused.status_code == 401, content
    acked = await client.post(url, json={"comment": "seen"})
    assert acked.status_code == 200, acked.text
    assert acked.json()["alarm"]["acked_by"]["station"] == "THERMAL"
    # Ingest and admin writes still need the bearer header.
    assert (await client.post("/api/v1/dashboard/samples", json={"samples": []})).status_code == 401
