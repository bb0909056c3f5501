"""docs/notifications.md holds up: its 20-line receiver verifies real deliveries and refuses
a forged one, and every notification setting is in the deployment env matrix."""

from __future__ import annotations

import asyncio
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import HTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from chiron.config import Settings
from tests.notify.helpers import eventually

ROOT = Path(__file__).resolve().parents[4]
DOC = ROOT / "docs" / "notifications.md"
SECRET = "whsec_the-docs-receiver-secret"


def receiver_code() -> str:
    text = DOC.read_text(encoding="utf-8")
    [code] = re.findall(r"<!-- receiver-test -->\s*```python\n(.*?)```", text, flags=re.S)
    return code  # type: ignore[no-any-return]


def test_the_receiver_is_twenty_lines() -> None:
    assert len(receiver_code().strip().splitlines()) <= 20


@pytest.fixture
def docs_receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, dict[str, Any]]]:
    monkeypatch.setenv("CHIRON_WEBHOOK_SECRET", SECRET)
    code = receiver_code()
    *body, last = code.strip().splitlines()
    assert last.startswith("HTTPServer(")  # the one line not run: it would bind 0.0.0.0
    namespace: dict[str, Any] = {"__name__": "docs_receiver"}
    exec(compile("\n".join(body), str(DOC), "exec"), namespace)
    server = HTTPServer(("127.0.0.1", 0), namespace["Hook"])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", namespace
    finally:
        server.shutdown()
        server.server_close()


async def test_the_documented_receiver_verifies_chirons_signature(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    docs_receiver: tuple[str, dict[str, Any]],
) -> None:
    url, namespace = docs_receiver
    made = await client.post(
        "/api/v1/webhooks",
        json={"url": url, "events": ["alarm"], "secret": SECRET},
        headers=auth_headers,
    )
    hook = made.json()["id"]
    ping = (await client.post(f"/api/v1/webhooks/{hook}/ping", headers=auth_headers)).json()

    async def delivered() -> dict[str, Any] | None:
        page = await client.get(f"/api/v1/webhooks/{hook}/deliveries", headers=auth_headers)
        item = page.json()["items"][0]
        return item if item["status"] == "delivered" else None

    item = await eventually(delivered, "the docs receiver took the ping")
    assert item["response"] == "HTTP 204"
    assert namespace["seen"] == {ping["id"]}

    def forged() -> int:
        request = urllib.request.Request(
            url,
            data=b'{"event":"alarm"}',
            headers={"Chiron-Signature": "t=1,v1=00", "Chiron-Delivery": "x"},
        )
        try:
            urllib.request.urlopen(request, timeout=5)
        except urllib.error.HTTPError as exc:
            return exc.code
        return 200

    assert await asyncio.to_thread(forged) == 400
    assert namespace["seen"] == {ping["id"]}


def test_every_notification_setting_is_in_the_deployment_matrix() -> None:
    matrix = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    names = [
        f"CHIRON_{name.upper()}"
        for name in Settings.model_fields
        if name.startswith(("notify_", "alertmanager_", "public_url"))
    ]
    assert len(names) == 10
    for name in names:
        assert f"| `{name}` |" in matrix, name
