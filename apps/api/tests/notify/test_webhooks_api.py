"""Webhooks over HTTP: admin only, validated, the secret shown once, the delivery log."""

from __future__ import annotations

import httpx
import pytest

from chiron.config import Settings
from tests.fixtures.auth import MakeToken
from tests.gates.alarm_helpers import person
from tests.notify.helpers import Receiver, eventually

HOOKS = "/api/v1/webhooks"


async def test_create_list_delete_and_the_secret_is_shown_once(
    client: httpx.AsyncClient, auth_headers: dict[str, str], hooks: Receiver
) -> None:
    made = await client.post(
        HOOKS, json={"url": hooks.url(), "events": ["alarm", "poll"]}, headers=auth_headers
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["secret"].startswith("whsec_")
    assert len(body["secret"]) > 40
    assert body["events"] == ["alarm", "poll"]
    given = await client.post(
        HOOKS,
        json={"url": hooks.url("/b"), "events": ["log"], "secret": "s" * 20},
        headers=auth_headers,
    )
    assert given.json()["secret"] == "s" * 20
    listed = (await client.get(HOOKS, headers=auth_headers)).json()["items"]
    assert [h["url"] for h in listed] == [hooks.url(), hooks.url("/b")]
    assert all("secret" not in h for h in listed)
    gone = await client.delete(f"{HOOKS}/{body['id']}", headers=auth_headers)
    assert gone.status_code == 204
    again = await client.delete(f"{HOOKS}/{body['id']}", headers=auth_headers)
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "webhook_not_found"
    assert len((await client.get(HOOKS, headers=auth_headers)).json()["items"]) == 1


@pytest.mark.parametrize("who", ["read", "operate", "director"])
async def test_only_admin_may_touch_webhooks(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    make_token: MakeToken,
    settings: Settings,
    hooks: Receiver,
    who: str,
) -> None:
    made = await client.post(
        HOOKS, json={"url": hooks.url(), "events": ["alarm"]}, headers=auth_headers
    )
    hook_id = made.json()["id"]
    if who == "read":
        headers = {"Authorization": f"Bearer {await make_token(['read', 'ingest'])}"}
    else:
        headers = person(settings, "operator" if who == "operate" else "director")
    calls = [
        client.post(HOOKS, json={"url": hooks.url(), "events": ["alarm"]}, headers=headers),
        client.get(HOOKS, headers=headers),
        client.delete(f"{HOOKS}/{hook_id}", headers=headers),
        client.post(f"{HOOKS}/{hook_id}/ping", headers=headers),
        client.get(f"{HOOKS}/{hook_id}/deliveries", headers=headers),
    ]
    for call in calls:
        answer = await call
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["code"] == "insufficient_scope"


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://example.test/hook", "events": ["alarm"]},
        {"url": "javascript:alert(1)", "events": ["alarm"]},
        {"url": "http:///nohost", "events": ["alarm"]},
        {"url": "http://127.0.0.1:9/hook", "events": []},
        {"url": "http://127.0.0.1:9/hook", "events": ["samples"]},
        {"url": "http://127.0.0.1:9/hook", "events": ["alarm", "alarm"]},
        {"url": "http://127.0.0.1:9/hook", "events": ["alarm"], "secret": "short"},
        {"url": "http://127.0.0.1:9/hook", "events": ["alarm"], "colour": "red"},
    ],
)
async def test_bad_webhooks_are_422_in_the_error_shape(
    client: httpx.AsyncClient, auth_headers: dict[str, str], body: dict[str, object]
) -> None:
    answer = await client.post(HOOKS, json=body, headers=auth_headers)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"]
    assert error["message"]
    assert error["details"]


async def test_unknown_webhook_and_bad_cursor(
    client: httpx.AsyncClient, auth_headers: dict[str, str], hooks: Receiver
) -> None:
    for answer in (
        await client.post(f"{HOOKS}/999/ping", headers=auth_headers),
        await client.get(f"{HOOKS}/999/deliveries", headers=auth_headers),
    ):
        assert answer.status_code == 404
    made = await client.post(
        HOOKS, json={"url": hooks.url(), "events": ["alarm"]}, headers=auth_headers
    )
    bad = await client.get(
        f"{HOOKS}/{made.json()['id']}/deliveries?before=%%%", headers=auth_headers
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_cursor"
    unknown = await client.get(
        f"{HOOKS}/{made.json()['id']}/deliveries?page=2", headers=auth_headers
    )
    assert unknown.status_code == 422


async def test_the_delivery_log_pages_newest_first(
    client: httpx.AsyncClient, auth_headers: dict[str, str], hooks: Receiver
) -> None:
    made = await client.post(
        HOOKS, json={"url": hooks.url(), "events": ["alarm"]}, headers=auth_headers
    )
    hook_id = made.json()["id"]
    pinged = [
        (await client.post(f"{HOOKS}/{hook_id}/ping", headers=auth_headers)).json()["id"]
        for _ in range(3)
    ]

    async def all_delivered() -> list[dict[str, object]] | None:
        page = await client.get(f"{HOOKS}/{hook_id}/deliveries", headers=auth_headers)
        items = page.json()["items"]
        return items if all(i["status"] == "delivered" for i in items) else None

    items = await eventually(all_delivered, "three pings delivered")
    assert [i["id"] for i in items] == pinged[::-1]
    assert items[0]["attempts"] == 1
    assert items[0]["response"] == "HTTP 200"
    first = await client.get(f"{HOOKS}/{hook_id}/deliveries?limit=2", headers=auth_headers)
    assert [i["id"] for i in first.json()["items"]] == pinged[:0:-1]
    cursor = first.json()["next_cursor"]
    rest = await client.get(
        f"{HOOKS}/{hook_id}/deliveries?limit=2&before={cursor}", headers=auth_headers
    )
    assert [i["id"] for i in rest.json()["items"]] == pinged[:1]
    assert rest.json()["next_cursor"] is None
