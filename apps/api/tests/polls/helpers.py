"""Poll test helpers: a director opening polls, stations answering."""

from __future__ import annotations

from typing import Any

import httpx

from chiron.config import Settings
from tests.gates.alarm_helpers import person

URL = "/api/v1/polls"


def director(settings: Settings) -> dict[str, str]:
    return person(settings, "director", name="Gene", station="FLIGHT")


def station(settings: Settings, name: str, who: str = "operator") -> dict[str, str]:
    return person(settings, who, name=name.title(), station=name)


async def open_poll(client: httpx.AsyncClient, settings: Settings, **body: Any) -> Any:
    payload = {"question": "Go for EVA?", "stations": ["POWER", "THERMAL"], **body}
    response = await client.post(URL, json=payload, headers=director(settings))
    assert response.status_code == 201, response.text
    return response.json()


async def answer(
    client: httpx.AsyncClient, headers: dict[str, str], poll_id: int, value: str, **body: Any
) -> httpx.Response:
    return await client.post(
        f"{URL}/{poll_id}/answers", json={"answer": value, **body}, headers=headers
    )


async def close(client: httpx.AsyncClient, settings: Settings, poll_id: int) -> httpx.Response:
    return await client.post(f"{URL}/{poll_id}/close", json={}, headers=director(settings))
