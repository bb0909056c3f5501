"""Alarm test helpers: people signed in with a role and station, a thermal gate, the bus."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx

from chiron.auth import tokens
from chiron.config import Settings
from chiron.kit.time import utcnow
from chiron.state import AppState
from tests.fixtures.factories import series

ROLE_SCOPES = {
    "viewer": ["read"],
    "operator": ["read", "operate"],
    "director": ["read", "operate", "direct"],
    "admin": ["read", "operate", "direct", "admin"],
}


def person(
    settings: Settings, who: str = "operator", *, name: str = "Ada", station: str = "THERMAL"
) -> dict[str, str]:
    """A browser session's bearer header, as `/auth/token` would mint it for this role."""
    token, _ = tokens.issue(
        settings,
        f"user_{name.lower()}",
        ROLE_SCOPES[who],
        name=name,
        role=f"org:{who}",
        station=station,
    )
    return {"Authorization": f"Bearer {token}"}


_clock = {"next": utcnow() - timedelta(hours=1)}


def temp(values: list[float]) -> list[dict[str, Any]]:
    """Readings of core.temp, each a second after the last one sent by any call (a gate
    follows only samples newer than its latest)."""
    start = _clock["next"] = max(_clock["next"], utcnow() - timedelta(hours=1))
    _clock["next"] = start + timedelta(seconds=len(values))
    return series(values, source="core", metric="core.temp", unit="°C", start=start)


def action(slug: str, verb: str) -> str:
    return f"/api/v1/gates/{slug}/alarm/{verb}"


async def alarm(client: httpx.AsyncClient, headers: dict[str, str], slug: str = "thermal") -> Any:
    gates = (await client.get("/api/v1/gates", headers=headers)).json()["items"]
    return next(g["alarm"] for g in gates if g["slug"] == slug)


async def bus_events(state: AppState, kind: str) -> list[Any]:
    messages = await state.bus.range_after("0-0", 10_000)
    return [json.loads(m.data) for m in messages if m.event == kind]


async def timeline(client: httpx.AsyncClient, headers: dict[str, str], kind: str) -> list[Any]:
    page = await client.get("/api/v1/dashboard/timeline?limit=200", headers=headers)
    return [e for e in page.json()["items"] if e["kind"] == kind]
