"""Alarms in a real Alertmanager (Debian's prometheus-alertmanager, started on a free port):
raised alarms fire with Chiron's labels, an acknowledgement is a silence by the actor, a
cleared alarm resolves and its silence expires; Alertmanager down never fails ingest."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chiron.config import Settings
from chiron.notify.outbox import resend_active
from chiron.state import AppState
from chiron.uow import UnitOfWork
from tests.fixtures.factories import ingest, put_gate
from tests.gates.alarm_helpers import action, person, temp
from tests.notify.helpers import alertmanager, eventually, outbox


@pytest.fixture
async def am(tmp_path: Path) -> AsyncIterator[str]:
    async with alertmanager(tmp_path) as url:
        yield url


@pytest.fixture
def settings(settings: Settings, am: str) -> Settings:
    return settings.model_copy(
        update={"alertmanager_url": [am], "public_url": "https://chiron.example.test"}
    )


async def _alerts(am: str, **params: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient() as http:
        answer = await http.get(
            f"{am}/api/v2/alerts", params={"filter": 'gate="thermal"', **params}
        )
        answer.raise_for_status()
        return answer.json()  # type: ignore[no-any-return]


async def _silences(am: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{am}/api/v2/silences", params={"filter": 'gate="thermal"'})
        answer.raise_for_status()
        return answer.json()  # type: ignore[no-any-return]


async def test_raise_acknowledge_clear_in_a_real_alertmanager(
    client: httpx.AsyncClient, auth_headers: dict[str, str], am: str, settings: Settings
) -> None:
    await put_gate(client, auth_headers)  # thermal: core.temp, warn 80, critical 90
    await ingest(client, auth_headers, temp([70, 95.5]))  # NO-GO: raised

    async def firing() -> list[dict[str, Any]] | None:
        alerts = [a for a in await _alerts(am) if a["status"]["state"] == "active"]
        return alerts or None

    [alert] = await eventually(firing, "the alarm fires in Alertmanager")
    assert alert["labels"] == {
        "alertname": "ChironAlarm",
        "gate": "thermal",
        "source": "core",
        "metric": "core.temp",
        "severity": "critical",
    }
    assert alert["annotations"]["summary"] == "Thermal envelope: NO-GO (unacked)"
    assert "95.5" in alert["annotations"]["description"]
    assert alert["annotations"]["dashboard_url"] == "https://chiron.example.test/?gate=thermal"

    operator = person(settings, "operator", name="Ada", station="THERMAL")
    acked = await client.post(
        action("thermal", "acknowledge"), json={"comment": "coolant valve cycled"}, headers=operator
    )
    assert acked.status_code == 200, acked.text

    async def silenced() -> list[dict[str, Any]] | None:
        active = [s for s in await _silences(am) if s["status"]["state"] == "active"]
        return active or None

    [silence] = await eventually(silenced, "the acknowledgement silences it")
    assert silence["createdBy"] == "Ada (THERMAL)"
    assert silence["comment"] == "coolant valve cycled"
    assert {m["name"]: m["value"] for m in silence["matchers"]} == {
        "alertname": "ChironAlarm",
        "gate": "thermal",
        "source": "core",
        "metric": "core.temp",
    }

    async def suppressed() -> bool:
        return any(a["status"]["state"] == "suppressed" for a in await _alerts(am))

    await eventually(suppressed, "the alert is silenced")

    await ingest(client, auth_headers, temp([70.0]))  # back to GO: the alarm clears

    async def resolved() -> bool:
        alerts = await _alerts(am)
        return not [a for a in alerts if a["status"]["state"] in ("active", "suppressed")]

    await eventually(resolved, "the alert resolves")

    async def expired() -> list[dict[str, Any]] | None:
        found = await _silences(am)
        return found if found and all(s["status"]["state"] == "expired" for s in found) else None

    [gone] = await eventually(expired, "the silence expires")
    assert gone["id"] == silence["id"]


async def test_worsening_after_an_acknowledgement_pages_again(
    client: httpx.AsyncClient, auth_headers: dict[str, str], am: str, settings: Settings
) -> None:
    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, temp([70, 85]))  # HOLD: warning
    operator = person(settings, "operator")
    await client.post(action("thermal", "acknowledge"), json={}, headers=operator)

    async def silenced() -> bool:
        return any(s["status"]["state"] == "active" for s in await _silences(am))

    await eventually(silenced, "silenced on acknowledgement")
    await ingest(client, auth_headers, temp([96]))  # NO-GO: raised again, critical

    async def paging() -> list[dict[str, Any]] | None:
        alerts = await _alerts(am)
        loud = [a for a in alerts if a["status"]["state"] == "active"]
        quiet = [s for s in await _silences(am) if s["status"]["state"] == "active"]
        return loud if loud and not quiet else None

    [loud] = await eventually(paging, "the worse alarm is not silenced")
    assert loud["labels"]["severity"] == "critical"
    # The HOLD alert was ended, not left to time out.
    warnings = [a for a in await _alerts(am) if a["labels"]["severity"] == "warning"]
    assert all(a["status"]["state"] != "active" for a in warnings)


async def test_shelving_silences_until_the_shelf_ends(
    client: httpx.AsyncClient, auth_headers: dict[str, str], am: str, settings: Settings
) -> None:
    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, temp([70, 95]))
    operator = person(settings, "operator", name="Grace", station="POWER")
    shelved = await client.post(
        action("thermal", "shelve"),
        json={"duration_s": 600, "comment": "sensor swap"},
        headers=operator,
    )
    until = shelved.json()["alarm"]["shelved_until"]

    async def silenced() -> list[dict[str, Any]] | None:
        active = [s for s in await _silences(am) if s["status"]["state"] == "active"]
        return active or None

    [silence] = await eventually(silenced, "the shelf silences it")
    assert silence["createdBy"] == "Grace (POWER)"
    assert silence["comment"] == "sensor swap"
    assert abs(_ts(silence["endsAt"]) - _ts(until)) < 1.5


async def test_active_alarms_are_reposted_once_per_interval_across_replicas(
    client: httpx.AsyncClient, auth_headers: dict[str, str], state: AppState, settings: Settings
) -> None:
    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, temp([70, 95]))
    slow = settings.model_copy(update={"alertmanager_resend_s": 3600.0})
    before = len(await outbox(state.db))
    added = 0
    for _ in range(3):  # three replicas' sweeps in one interval
        async with UnitOfWork(state.db, state.bus) as uow:
            added += await resend_active(uow, slow)
    assert added == 1
    assert len(await outbox(state.db)) == before + 1


async def test_alertmanager_down_never_fails_ingest_and_is_retried(
    client: httpx.AsyncClient, auth_headers: dict[str, str], state: AppState, am: str
) -> None:
    state.settings.alertmanager_url[:] = ["http://127.0.0.1:9"]  # nothing listens
    try:
        await put_gate(client, auth_headers)
        answer = await ingest(client, auth_headers, temp([70, 95]))
        assert answer.status_code == 202

        async def retried() -> bool:
            rows = [r for r in await outbox(state.db) if r.kind == "alertmanager"]
            return bool(rows) and rows[-1].attempts >= 2 and rows[-1].status == "pending"

        await eventually(retried, "the alert retried")
    finally:
        state.settings.alertmanager_url[:] = [am]

    async def firing() -> bool:
        return any(a["status"]["state"] == "active" for a in await _alerts(am))

    await eventually(firing, "delivered once Alertmanager is back")


def _ts(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


async def test_two_replicas_make_one_silence_per_acknowledgement(
    client: httpx.AsyncClient, auth_headers: dict[str, str], am: str, settings: Settings
) -> None:
    from tests.notify.test_delivery import replica

    async with replica(settings):  # a second dispatcher on the same store
        await put_gate(client, auth_headers)
        for round_ in range(2):
            await ingest(client, auth_headers, temp([95]))  # raised (again)
            operator = person(settings, "operator", name=f"Op{round_}", station="THERMAL")
            acked = await client.post(
                action("thermal", "acknowledge"),
                json={"comment": f"ack {round_}"},
                headers=operator,
            )
            assert acked.status_code == 200, acked.text

            async def silenced(n: int = round_) -> bool:
                return any(
                    s["comment"] == f"ack {n}" and s["status"]["state"] == "active"
                    for s in await _silences(am)
                )

            await eventually(silenced, f"silence {round_}")
            await ingest(client, auth_headers, temp([70]))  # cleared

            async def quiet() -> bool:
                return all(s["status"]["state"] == "expired" for s in await _silences(am))

            await eventually(quiet, f"silence {round_} expired")
    found = await _silences(am)
    assert sorted(s["comment"] for s in found) == ["ack 0", "ack 1"]


async def test_one_cluster_member_down_holds_back_neither_alerts_nor_silences(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    state: AppState,
    am: str,
    settings: Settings,
) -> None:
    state.settings.alertmanager_url[:] = ["http://127.0.0.1:9", am]  # the first is down
    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, temp([70, 95]))

    async def firing() -> bool:
        return any(a["status"]["state"] == "active" for a in await _alerts(am))

    await eventually(firing, "the alert reached the member that is up")
    operator = person(settings, "operator", name="Ada", station="THERMAL")
    await client.post(action("thermal", "acknowledge"), json={"comment": "on it"}, headers=operator)

    async def silenced() -> bool:
        return any(s["comment"] == "on it" for s in await _silences(am))

    await eventually(silenced, "the silence went to the member that is up")

    async def recorded() -> bool:  # Alertmanager answers before the row is marked delivered
        rows = [r for r in await outbox(state.db) if r.kind == "alertmanager"]
        return rows[-1].status == "delivered"

    await eventually(recorded, "the silence's delivery recorded")
    rows = [r for r in await outbox(state.db) if r.kind == "alertmanager"]
    assert "not taken" in (rows[-1].response or "")
