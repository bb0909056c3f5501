"""The dispatcher: claims due outbox rows with a lease, delivers each in a task of its own
under its own deadline, records the outcome, and backs off (exponential, full jitter) until
a row is `notify_give_up_s` old, then marks it `failed`.

Its own loop rather than `uow.run_periodically`: deliveries outlive a tick (a slow
receiver holds only its own task, and claiming goes on around it), and a commit that
queued something wakes it at once instead of waiting for the next beat. Every replica runs
one; the lease makes each row go out from one of them at a time, and an outcome is
recorded only while the lease is still held.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
import uuid
from datetime import datetime, timedelta

import httpx
import structlog

from chiron import __version__
from chiron.config import Settings
from chiron.db import Database
from chiron.kit.tasks import cancel_requested, stop_tasks
from chiron.kit.time import as_utc, utcnow
from chiron.models import NotificationOutbox
from chiron.notify import alertmanager
from chiron.notify.alertmanager import DeliveryError
from chiron.notify.outbox import Notifier
from chiron.notify.repository import ALERTMANAGER, NotifyRepository
from chiron.notify.signing import signature
from chiron.uow import UnitOfWork

log = structlog.get_logger("chiron.notify")


def backoff(attempts: int, settings: Settings) -> float:
    """Full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2^attempts))."""
    ceiling = min(settings.notify_backoff_max_s, settings.notify_backoff_s * 2 ** min(attempts, 40))
    return random.uniform(0, ceiling)  # noqa: S311 - spreading retries, not a secret


def webhook_body(row: NotificationOutbox) -> bytes:
    return json.dumps(
        {
            "id": row.delivery_id,
            "event": row.event,
            "created_at": as_utc(row.created_at).isoformat(),
            "data": row.payload,
        },
        separators=(",", ":"),
    ).encode()


class Dispatcher:
    def __init__(self, db: Database, settings: Settings, notifier: Notifier) -> None:
        self.db = db
        self.settings = settings
        self.notifier = notifier
        self.token = uuid.uuid4().hex  # this dispatcher's leases
        self._inflight: set[asyncio.Task[None]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._stopping = False
        # Made on the first delivery: building one loads the CA bundle (~0.1 s of CPU), which
        # a process that never delivers (and every test app) need not pay at start-up.
        self._client: httpx.AsyncClient | None = None

    @property
    def lease_s(self) -> float:
        return self.settings.notify_timeout_s * 3 + 10

    def start(self) -> None:
        self._loop = asyncio.create_task(self.run(), name="notify-dispatcher")

    async def stop(self) -> None:
        self._stopping = True  # a cancel swallowed by a driver still ends the loop
        self.notifier.wake.set()
        # The loop and what is in flight end by themselves first (a delivery is bounded by the
        # notify timeout): a write cancelled midway can leave SQLite's writer held by a
        # connection that is never rolled back. Only what still runs after that is cancelled.
        running = [t for t in (self._loop, *self._inflight) if t is not None and not t.done()]
        if running:
            await asyncio.wait(running, timeout=min(self.settings.notify_timeout_s + 1.0, 5.0))
        tasks = [t for t in (self._loop, *self._inflight) if t is not None]
        await stop_tasks(tasks)
        await stop_tasks(list(self._inflight))  # any started while the loop was stopping
        try:  # what was in flight goes back at once, for this or another replica
            async with UnitOfWork(self.db, None) as uow:
                await NotifyRepository(await uow.begin()).release(self.token)
        except Exception as exc:  # noqa: BLE001 - leases also expire by themselves
            log.warning("notify_release_failed", error=type(exc).__name__)
        if self._client is not None:
            await self._client.aclose()

    @property
    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.settings.notify_timeout_s),
                headers={"User-Agent": f"Chiron/{__version__}"},
                follow_redirects=False,
            )
        return self._client

    async def run(self) -> None:
        while not self._stopping:
            self.notifier.wake.clear()
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if cancel_requested():
                    raise asyncio.CancelledError from exc
                log.warning("notify_claim_failed", error=type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.notifier.wake.wait(), self.settings.notify_poll_s)

    async def tick(self) -> int:
        """Claim what is due (up to the free delivery slots) and start delivering it."""
        room = self.settings.notify_concurrency - len(self._inflight)
        if room <= 0:
            return 0
        now = utcnow()
        # A read first: the claim takes the writer (on SQLite, the process's one), which an
        # idle outbox should never cost ingest.
        async with self.db.readers() as session:
            if not await NotifyRepository(session).any_due(now):
                return 0
        async with UnitOfWork(self.db, None) as uow:
            repo = NotifyRepository(await uow.begin())
            rows = await repo.claim(now, now + timedelta(seconds=self.lease_s), self.token, room)
            rows = await self._newest_per_gate(repo, rows, now)
            hooks = {h.id: (h.url, h.secret) for h in await repo.webhooks()} if rows else {}
        if self._stopping:
            return 0  # the leases go back in stop()
        for row in rows:
            hook = hooks.get(row.webhook_id or 0)
            task = asyncio.create_task(self._deliver(row, hook), name=f"notify-{row.id}")
            self._inflight.add(task)
            task.add_done_callback(self._done)
        return len(rows)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._inflight.discard(task)
        self.notifier.wake.set()  # a slot is free

    async def _newest_per_gate(
        self, repo: NotifyRepository, rows: list[NotificationOutbox], now: datetime
    ) -> list[NotificationOutbox]:
        """An Alertmanager row carries the gate's whole alarm: of one gate's rows only the
        newest is sent, and the older pending ones are superseded by it."""
        newest: dict[str, NotificationOutbox] = {}
        for row in rows:
            if row.kind == ALERTMANAGER:
                newest[row.target] = row  # rows come in id order
        keep = []
        for row in rows:
            if row.kind == ALERTMANAGER and newest[row.target] is not row:
                continue
            keep.append(row)
        for row in newest.values():
            await repo.supersede(ALERTMANAGER, row.target, row.id, now)
        return keep

    async def _deliver(self, row: NotificationOutbox, hook: tuple[str, str] | None) -> None:
        started = utcnow()
        try:
            response = await asyncio.wait_for(
                self._send(row, hook, started), self.settings.notify_timeout_s
            )
        except asyncio.CancelledError:
            raise
        except TimeoutError:
            await self._failed(
                row, started, f"timed out after {self.settings.notify_timeout_s:g} s"
            )
        except DeliveryError as exc:
            await self._failed(row, started, str(exc)[:1000])
        except Exception as exc:  # noqa: BLE001 - a bad row must not stop the others
            await self._failed(row, started, f"{type(exc).__name__}: {exc}"[:1000])
        else:
            await self._finish(
                row,
                {
                    "status": "delivered",
                    "attempts": row.attempts + 1,
                    "attempted_at": started,
                    "delivered_at": utcnow(),
                    "response": response[:1000],
                },
            )

    async def _send(
        self, row: NotificationOutbox, hook: tuple[str, str] | None, now: datetime
    ) -> str:
        if row.kind == ALERTMANAGER:
            if not self.settings.alertmanager_url:
                raise DeliveryError("CHIRON_ALERTMANAGER_URL is not set")
            return await alertmanager.deliver(self._http, row.payload, self.settings, now)
        if hook is None:
            raise DeliveryError("the webhook was deleted")
        url, secret = hook
        body = webhook_body(row)
        headers = {
            "Content-Type": "application/json",
            "Chiron-Signature": signature(secret, int(time.time()), body),
            "Chiron-Delivery": row.delivery_id,
            "Chiron-Event": row.event,
        }
        try:
            response = await self._http.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__} {exc}".strip()) from None
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"HTTP {response.status_code} {response.text[:200]}")
        return f"HTTP {response.status_code}"

    async def _failed(self, row: NotificationOutbox, started: datetime, error: str) -> None:
        attempts = row.attempts + 1
        age = (started - as_utc(row.created_at)).total_seconds()
        retry_at = started + timedelta(seconds=backoff(attempts - 1, self.settings))
        give_up = (
            retry_at - as_utc(row.created_at)
        ).total_seconds() > self.settings.notify_give_up_s
        log.info(
            "notify_attempt_failed",
            delivery=row.delivery_id,
            kind=row.kind,
            attempts=attempts,
            age_s=round(age, 1),
            error=error[:200],
            gave_up=give_up,
        )
        await self._finish(
            row,
            {
                "status": "failed" if give_up else "pending",
                "attempts": attempts,
                "attempted_at": started,
                "next_attempt_at": retry_at,
                "last_error": error,
            },
        )

    async def _finish(self, row: NotificationOutbox, values: dict[str, object]) -> None:
        try:
            async with UnitOfWork(self.db, None) as uow:
                if not await NotifyRepository(await uow.begin()).finish(row.id, self.token, values):
                    log.info("notify_lease_lost", delivery=row.delivery_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the lease expires; the row is retried
            log.warning("notify_record_failed", delivery=row.delivery_id, error=type(exc).__name__)
