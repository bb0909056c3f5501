"""Webhook deliveries from the outbox: signed, retried after 500s and timeouts, kept across
a restart, once per event with two replicas racing, and a slow receiver holds up nobody."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from chiron.app import create_app
from chiron.config import Settings
from chiron.db import Database
from chiron.gates.schemas import AlarmPayload
from chiron.kit.time import utcnow
from chiron.notify.outbox import enqueue, prune
from chiron.notify.repository import NotifyRepository
from chiron.notify.signing import verify
from chiron.state import AppState
from chiron.uow import UnitOfWork
from tests.fixtures.factories import ingest, put_gate
from tests.gates.alarm_helpers import temp
from tests.notify.helpers import Hit, Receiver, eventually, outbox

HOOKS = "/api/v1/webhooks"


async def subscribe(
    client: httpx.AsyncClient, headers: dict[str, str], url: str, events: list[str]
) -> dict[str, Any]:
    made = await client.post(HOOKS, json={"url": url, "events": events}, headers=headers)
    assert made.status_code == 201, made.text
    return made.json()  # type: ignore[no-any-return]


@contextlib.asynccontextmanager
async def replica(settings: Settings) -> AsyncIterator[AppState]:
    """Another API process on the same store (its own engine, dispatcher and writer)."""
    other: FastAPI = create_app(settings)
    async with other.router.lifespan_context(other):
        yield other.state.chiron


async def test_an_alarm_reaches_the_webhook_signed(
    client: httpx.AsyncClient, auth_headers: dict[str, str], hooks: Receiver
) -> None:
    hook = await subscribe(client, auth_headers, hooks.url(), ["alarm", "gate"])
    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, temp([70, 95]))  # GO -> NO-GO: gate and alarm

    async def both() -> list[Hit] | None:
        events = {h.headers["Chiron-Event"] for h in hooks.hits}
        return hooks.hits if {"alarm", "gate"} <= events else None

    hits = await eventually(both, "alarm and gate delivered")
    alarm = next(h for h in hits if h.headers["Chiron-Event"] == "alarm")
    now = int(time.time())
    assert verify(hook["secret"], alarm.headers["Chiron-Signature"], alarm.body, now)
    assert not verify("another-secret-xxxxxxxx", alarm.headers["Chiron-Signature"], alarm.body, now)
    assert not verify(hook["secret"], alarm.headers["Chiron-Signature"], alarm.body + b" ", now)
    body = json.loads(alarm.body)
    assert body["id"] == alarm.headers["Chiron-Delivery"]
    assert body["event"] == "alarm"
    assert body["data"]["type"] == "alarm"
    assert body["data"]["alarm"]["gate"] == "thermal"
    assert body["data"]["alarm"]["alarm"]["state"] == "unacked"


async def test_a_rolled_back_change_notifies_nobody(
    client: httpx.AsyncClient, auth_headers: dict[str, str], hooks: Receiver, state: AppState
) -> None:
    await subscribe(client, auth_headers, hooks.url(), ["alarm"])
    await put_gate(client, auth_headers)
    await ingest(client, auth_headers, temp([95]))
    rows = await eventually(lambda: outbox(state.db), "the alarm queued")
    message = AlarmPayload.model_validate_json(json.dumps(rows[0].payload))

    class Boom(Exception):
        pass

    with contextlib.suppress(Boom):
        async with UnitOfWork(state.db, state.bus) as uow:
            await uow.begin()
            uow.publish(message)
            raise Boom
    assert len(await outbox(state.db)) == 1
    async with UnitOfWork(state.db, state.bus) as uow:
        uow.publish(message)
    assert len(await outbox(state.db)) == 2


async def test_retries_after_500s_and_timeouts_with_one_delivery_id(
    client: httpx.AsyncClient, auth_headers: dict[str, str], hooks: Receiver, state: AppState
) -> None:
    answers = iter([500, 503, "slow", 200])

    async def flaky(_: Hit) -> int:
        answer = next(answers, 200)
        if answer == "slow":  # longer than the 1 s delivery deadline: a timeout
            await asyncio.sleep(3)
            return 200
        return int(answer)

    hooks.behaviours["/hook"] = flaky
    hook = await subscribe(client, auth_headers, hooks.url(), ["alarm"])
    ping = (await client.post(f"{HOOKS}/{hook['id']}/ping", headers=auth_headers)).json()

    async def delivered() -> dict[str, Any] | None:
        page = await client.get(f"{HOOKS}/{hook['id']}/deliveries", headers=auth_headers)
        item = page.json()["items"][0]
        return item if item["status"] == "delivered" else None

    item = await eventually(delivered, "the ping delivered after retries")
    # 500, 503, a timeout, then 200 (a connection the receiver dropped may add a retry).
    assert item["attempts"] >= 4
    assert len(hooks.hits) >= 4
    assert {h.headers["Chiron-Delivery"] for h in hooks.hits} == {ping["id"]}


async def test_nothing_is_lost_across_a_restart_in_the_middle_of_retries(
    settings: Settings,
    hooks: Receiver,
    auth_headers: dict[str, str],
    client: httpx.AsyncClient,
    state: AppState,
) -> None:
    await quiet(state)
    down = {"on": True}

    async def until_fixed(_: Hit) -> int:
        return 500 if down["on"] else 200

    hooks.behaviours["/hook"] = until_fixed
    await subscribe(client, auth_headers, hooks.url(), ["log"])
    # A first process queues ten deliveries and keeps failing them, then stops.
    async with replica(settings) as first:
        async with UnitOfWork(first.db, first.bus) as uow:
            for n in range(10):
                await enqueue(uow, "log", {"type": "log", "n": n}, settings)
        await eventually(lambda: _all(first.db, lambda r: r.attempts >= 2), "all retried")
    rows = await outbox(state.db)
    assert len(rows) == 10
    assert all(r.status == "pending" for r in rows)
    assert all(r.lease_until is None for r in rows)  # given back on the way out
    down["on"] = False
    before = len(hooks.hits)
    # A new process on the same store delivers every one of them.
    async with replica(settings) as second:
        await eventually(lambda: _all(second.db, lambda r: r.status == "delivered"), "all sent")
    ok = {h.headers["Chiron-Delivery"] for h in hooks.hits[before:]}
    assert ok == {r.delivery_id for r in rows}


async def test_two_replicas_deliver_each_event_once(
    settings: Settings, hooks: Receiver, auth_headers: dict[str, str], client: httpx.AsyncClient
) -> None:
    await subscribe(client, auth_headers, hooks.url(), ["log"])
    async with replica(settings) as a, replica(settings) as b:
        for n in range(40):
            async with UnitOfWork(a.db, a.bus) as uow:
                await enqueue(uow, "log", {"type": "log", "n": n}, settings)
            if n % 10 == 0:
                a.extras["notify.notifier"].wake.set()
                b.extras["notify.notifier"].wake.set()
        await eventually(
            lambda: _all(a.db, lambda r: r.status == "delivered"), "all delivered", limit_s=40
        )
    seen = Counter(h.headers["Chiron-Delivery"] for h in hooks.hits)
    assert len(seen) == 40
    assert set(seen.values()) == {1}, seen.most_common(3)


async def test_a_slow_receiver_does_not_hold_up_another(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    hooks: Receiver,
    settings: Settings,
    state: AppState,
) -> None:
    await quiet(state)  # only the patient replica below delivers
    release = asyncio.Event()
    slow_started = asyncio.Event()

    async def slow(_: Hit) -> int:
        slow_started.set()
        await asyncio.wait_for(release.wait(), 30)
        return 200

    hooks.behaviours["/slow"] = slow
    slow_hook = await subscribe(client, auth_headers, hooks.url("/slow"), ["alarm"])
    fast_hook = await subscribe(client, auth_headers, hooks.url("/fast"), ["alarm"])
    patient = settings.model_copy(update={"notify_timeout_s": 60.0})
    async with replica(patient):
        await client.post(f"{HOOKS}/{slow_hook['id']}/ping", headers=auth_headers)
        await asyncio.wait_for(slow_started.wait(), 20)
        await client.post(f"{HOOKS}/{fast_hook['id']}/ping", headers=auth_headers)
        # Delivered while the slow one is still waiting for its answer.
        await eventually(lambda: _hits(hooks, "/fast"), "the fast receiver served", limit_s=15)
        assert not release.is_set()
        release.set()
        await eventually(lambda: _hits(hooks, "/slow"), "the slow one answered")


async def _hits(hooks: Receiver, path: str) -> list[Hit]:
    return hooks.at(path)


async def quiet(state: AppState) -> None:
    """Stop the test app's own dispatcher."""
    await state.extras["notify.dispatcher"].stop()


async def _all(db: Database, test: Any) -> bool:
    rows = await outbox(db)
    return bool(rows) and all(test(r) for r in rows)


async def test_a_delivery_failing_past_the_give_up_age_is_failed(
    client: httpx.AsyncClient, auth_headers: dict[str, str], hooks: Receiver, state: AppState
) -> None:
    async def always_500(_: Hit) -> int:
        return 500

    hooks.behaviours["/hook"] = always_500
    state.settings.notify_give_up_s = 0.3  # the dispatcher reads the app's settings
    hook = await subscribe(client, auth_headers, hooks.url(), ["alarm"])
    await client.post(f"{HOOKS}/{hook['id']}/ping", headers=auth_headers)

    async def failed() -> dict[str, Any] | None:
        page = await client.get(f"{HOOKS}/{hook['id']}/deliveries", headers=auth_headers)
        item = page.json()["items"][0]
        return item if item["status"] == "failed" else None

    item = await eventually(failed, "the delivery given up")
    assert item["attempts"] >= 2
    assert item["last_error"].startswith("HTTP 500")
    # Never claimed again, however late it gets.
    async with state.db.readers() as session:
        later = utcnow() + timedelta(days=30)
        assert not await NotifyRepository(session).any_due(later)


async def test_a_crashed_replicas_leases_expire_and_its_deliveries_go_out(
    client: httpx.AsyncClient, auth_headers: dict[str, str], hooks: Receiver, state: AppState
) -> None:
    await quiet(state)
    await subscribe(client, auth_headers, hooks.url(), ["log"])
    async with UnitOfWork(state.db, state.bus) as uow:
        for n in range(3):
            await enqueue(uow, "log", {"type": "log", "n": n}, state.settings)
    # A replica claims them and dies without a word: its leases run out by themselves.
    now = utcnow()
    async with UnitOfWork(state.db, None) as uow:
        repo = NotifyRepository(await uow.begin())
        held = await repo.claim(now, now + timedelta(seconds=1), "crashed", 10)
        assert len(held) == 3
        assert await repo.claim(now, now + timedelta(seconds=60), "other", 10) == []
    async with replica(state.settings) as survivor:
        await eventually(lambda: _all(survivor.db, lambda r: r.status == "delivered"), "sent")
    assert len({h.headers["Chiron-Delivery"] for h in hooks.hits}) == 3


async def test_finished_deliveries_are_pruned_after_the_keep_time(
    client: httpx.AsyncClient, auth_headers: dict[str, str], hooks: Receiver, state: AppState
) -> None:
    await quiet(state)
    await subscribe(client, auth_headers, hooks.url(), ["log"])
    async with UnitOfWork(state.db, state.bus) as uow:
        for n in range(3):
            await enqueue(uow, "log", {"type": "log", "n": n}, state.settings)
    async with replica(state.settings) as other:
        await eventually(lambda: _all(other.db, lambda r: r.status == "delivered"), "sent")
    async with UnitOfWork(state.db, state.bus) as uow:
        await enqueue(uow, "log", {"type": "log", "n": 3}, state.settings)  # still pending
    soon = state.settings.model_copy(update={"notify_keep_s": 1e-6})
    async with UnitOfWork(state.db, None) as uow:
        assert await prune(uow, soon) == 3
    rows = await outbox(state.db)
    assert [r.status for r in rows] == ["pending"]
    async with UnitOfWork(state.db, None) as uow:
        assert await prune(uow, state.settings) == 0  # a week: nothing that old
