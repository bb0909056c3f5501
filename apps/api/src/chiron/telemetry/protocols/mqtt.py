"""The MQTT front door: with `CHIRON_MQTT_URL` set, the service subscribes to its broker and
hands every message to the same ingest pipeline as `POST /api/v1/dashboard/samples`.

- Topics (prefix `CHIRON_MQTT_TOPIC_PREFIX`, default `chiron`):
  `chiron/<source>/<metric>`, payload a JSON number or `{"value", "ts"?, "unit"?, "attrs"?}`;
  `chiron/<source>`, payload `{"samples": [{"metric", "value", ...}, ...]}` (a sample may
  repeat the topic's source, never name another). A source may contain `/`: a payload with
  `samples` takes every level after the prefix as the source, any other payload the last
  level as the metric and the levels before it as the source.
- QoS 1 on a persistent session (MQTT 5, clean start off, a session expiry), so what is
  published while the service restarts is delivered when it is back; a shared subscription
  (`$share/<CHIRON_MQTT_SHARE_GROUP>/...`) so each message is consumed by one replica.
- A message is acknowledged (PUBACK) only once its samples are committed. Messages waiting
  together are committed in one unit of work (up to `CHIRON_MQTT_MAX_BATCH` samples); a
  combined batch the pipeline refuses is retried message by message, so one bad message
  never costs the others. A store outage is retried with backoff, unacknowledged (the broker
  keeps the messages; its in-flight window stops the flow meanwhile).
- A payload that cannot be read (not JSON, wrong shape, invalid sample, refused time) is
  counted (`chiron.mqtt.messages{outcome="rejected"}`), logged and acknowledged: skipped,
  never redelivered, never a crash.

Delivery is at least once, as QoS 1 is: a message whose commit succeeded but whose PUBACK
was lost with the connection is delivered again and stored again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import orjson
import structlog
from gmqtt import Client
from gmqtt.mqtt.constants import UNLIMITED_RECONNECTS, MQTTv50, PubRecReasonCode
from pydantic import ValidationError

from chiron.config import Settings
from chiron.db import Database, is_store_outage
from chiron.errors import AppError, ServiceUnavailable
from chiron.kit.time import utcnow
from chiron.observability.metrics import mqtt_messages
from chiron.stream.bus import Bus
from chiron.telemetry import service
from chiron.telemetry.schemas import SampleBatch, SampleIn
from chiron.uow import UnitOfWork

log = structlog.get_logger("chiron.mqtt")

ACCEPTED = int(PubRecReasonCode.SUCCESS)
REJECTED = int(PubRecReasonCode.PAYLOAD_FORMAT_INVALID)  # still a PUBACK: the message is done
RETRY_MAX_S = 5.0


class BadPayload(ValueError):
    """A message the front door skips; the text says why."""


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> BrokerAddress:
        parts = urlsplit(url)
        if parts.scheme not in {"mqtt", "mqtts", "tcp", "ssl"} or not parts.hostname:
            raise ValueError(
                "CHIRON_MQTT_URL must look like mqtt://[user:password@]host[:port] "
                "(or mqtts:// for TLS)"
            )
        tls = parts.scheme in {"mqtts", "ssl"}
        return cls(
            host=parts.hostname,
            port=parts.port or (8883 if tls else 1883),
            tls=tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def parse_message(topic: str, payload: bytes, prefix: str = "chiron") -> list[SampleIn]:
    """The samples a message carries, validated exactly as the JSON ingest validates them."""
    head = prefix.split("/")
    levels = topic.split("/")
    rest = levels[len(head) :]
    if levels[: len(head)] != head or not rest or not all(rest):
        raise BadPayload(f"topic {topic!r} is not {prefix}/<source>[/<metric>]")
    try:
        doc = orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise BadPayload("payload is neither a number nor JSON") from None
    if isinstance(doc, dict) and "samples" in doc:
        source = "/".join(rest)
        items = doc["samples"]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise BadPayload("samples must be a list of objects")
        for item in items:
            named = item.setdefault("source", source)
            if named != source:
                raise BadPayload(f"a sample names source {named!r} on {source!r}'s topic")
        body = doc
    else:
        if len(rest) < 2:
            raise BadPayload(
                f'{topic!r} carries {{"samples": [...]}}; publish a number to {topic}/<metric>'
            )
        source, metric = "/".join(rest[:-1]), rest[-1]
        if isinstance(doc, dict):
            if "source" in doc or "metric" in doc:
                raise BadPayload("the topic names the source and the metric")
            sample: dict[str, Any] = {**doc, "source": source, "metric": metric}
        elif isinstance(doc, int | float) and not isinstance(doc, bool):
            sample = {"source": source, "metric": metric, "value": doc}
        else:
            raise BadPayload('payload must be a number or {"value": ...}')
        body = {"samples": [sample]}
    try:
        return SampleBatch.model_validate_json(orjson.dumps(body)).samples
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise BadPayload(f"{where}: {first.get('msg', 'invalid')}") from None


@dataclass
class MqttStats:
    """What this process's subscriber did (also counted as `chiron.mqtt.messages`)."""

    messages: int = 0
    stored: int = 0  # messages committed
    samples: int = 0
    rejected: int = 0
    batches: int = 0  # units of work committed
    retries: int = 0  # store outages waited out
    subscribed: int = 0  # subscriptions granted (one per connect)
    connected: bool = False


@dataclass(slots=True)
class _Pending:
    topic: str
    samples: list[SampleIn]
    done: asyncio.Future[int] = field(repr=False)


class MqttIngest:
    """One subscriber per process, started and stopped by the app's lifespan."""

    def __init__(self, db: Database, bus: Bus | None, settings: Settings) -> None:
        if not settings.mqtt_url:
            raise ValueError("CHIRON_MQTT_URL is not set")
        self.db, self.bus, self.settings = db, bus, settings
        self.address = BrokerAddress.parse(settings.mqtt_url)
        self.client_id = settings.mqtt_client_id or f"chiron-{socket.gethostname()}"
        prefix = settings.mqtt_topic_prefix.strip("/")
        self.prefix = prefix
        group = settings.mqtt_share_group.strip()
        self.filters = [f"{prefix}/#"]
        self.subscriptions = [f"$share/{group}/{f}" if group else f for f in self.filters]
        self.stats = MqttStats()
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._client: Client | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._subscribed = asyncio.Event()
        self._in_hand: list[_Pending] = []  # the batch being committed

    # lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect in the background (a broker that is down delays MQTT, not the API)."""
        for name in ("gmqtt", "chiron.mqtt.client"):  # per-packet INFO lines: too chatty
            logging.getLogger(name).setLevel(logging.WARNING)
        client = Client(
            self.client_id,
            clean_session=False,
            optimistic_acknowledgement=False,  # PUBACK when on_message returns: after commit
            session_expiry_interval=self.settings.mqtt_session_expiry_s,
            logger=logging.getLogger("chiron.mqtt.client"),
        )
        client.set_config({"reconnect_retries": UNLIMITED_RECONNECTS, "reconnect_delay": 2})
        if self.address.username:
            client.set_auth_credentials(self.address.username, self.address.password)
        client.on_message = self._on_message
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        self._client = client
        self._tasks = [
            asyncio.create_task(self._connect(client), name="mqtt-connect"),
            asyncio.create_task(self._consume(), name="mqtt-consume"),
        ]

    async def wait_subscribed(self, within_s: float) -> bool:
        try:
            await asyncio.wait_for(self._subscribed.wait(), within_s)
        except TimeoutError:
            return False
        return True

    async def stop(self) -> None:
        """Disconnect first (nothing new arrives), then finish the batch in hand; messages
        not committed stay unacknowledged and the broker delivers them again."""
        client, self._client = self._client, None
        if client is not None:
            client.stop_reconnect()
            with contextlib.suppress(Exception):
                if client.is_connected:
                    await asyncio.wait_for(client.disconnect(), 5)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        waiting, self._in_hand = self._in_hand, []
        while not self._queue.empty():
            waiting.append(self._queue.get_nowait())
        for pending in waiting:
            pending.done.cancel()  # not committed: redelivered to the session later

    async def _connect(self, client: Client) -> None:
        delay = 0.5
        while True:
            try:
                await client.connect(
                    self.address.host,
                    self.address.port,
                    ssl=ssl.create_default_context() if self.address.tls else False,
                    keepalive=30,
                    version=MQTTv50,
                )
            except Exception as exc:  # noqa: BLE001 - refused, unreachable: keep trying
                log.warning(
                    "mqtt_connect_failed",
                    broker=f"{self.address.host}:{self.address.port}",
                    error=f"{type(exc).__name__}: {exc}",
                    retry_s=delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            return

    def _on_connect(self, client: Client, flags: int, rc: int, properties: Any) -> None:
        self.stats.connected = True
        log.info(
            "mqtt_connected",
            broker=f"{self.address.host}:{self.address.port}",
            client_id=self.client_id,
            subscriptions=self.subscriptions,
        )
        for topic in self.subscriptions:
            client.subscribe(topic, qos=1)

    def _on_subscribe(self, client: Client, mid: int, qos: Any, properties: Any) -> None:
        self.stats.subscribed += 1
        self._subscribed.set()

    def _on_disconnect(self, client: Client, packet: Any, exc: Exception | None = None) -> None:
        self.stats.connected = False
        log.info("mqtt_disconnected")

    # messages ----------------------------------------------------------------------------

    async def _on_message(
        self, client: Client, topic: str, payload: bytes, qos: int, properties: Any
    ) -> int:
        """Parse, queue, and answer the reason code of the PUBACK once committed."""
        self.stats.messages += 1
        try:
            samples = parse_message(topic, payload, self.prefix)
        except BadPayload as exc:
            self._rejected(topic, str(exc))
            return REJECTED
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Pending(topic, samples, done))
        try:
            return await done
        except asyncio.CancelledError:
            # Only `stop()` cancels, after the disconnect: this answer reaches no broker,
            # which still holds the message for the session's next run.
            return int(PubRecReasonCode.UNSPECIFIED_ERROR)

    def _rejected(self, topic: str, reason: str) -> None:
        self.stats.rejected += 1
        mqtt_messages(1, "rejected")
        log.warning("mqtt_payload_rejected", topic=topic, reason=reason)

    async def _consume(self) -> None:
        while True:
            batch = [await self._queue.get()]
            size = len(batch[0].samples)
            while not self._queue.empty() and size < self.settings.mqtt_max_batch:
                nxt = self._queue.get_nowait()
                batch.append(nxt)
                size += len(nxt.samples)
            self._in_hand = batch
            await self._commit(batch)
            self._in_hand = []

    async def _commit(self, batch: list[_Pending]) -> None:
        samples = [s for p in batch for s in p.samples]
        try:
            await self._ingest(samples, len(batch))
        except AppError as exc:
            if len(batch) == 1:
                self._rejected(batch[0].topic, exc.message)
                _answer(batch[0], REJECTED)
                return
            for pending in batch:  # find the message the pipeline refuses; store the rest
                await self._commit_one(pending)
            return
        except Exception as exc:  # noqa: BLE001 - an unexpected failure: one by one
            log.error("mqtt_batch_failed", error=f"{type(exc).__name__}: {exc}")
            for pending in batch:
                await self._commit_one(pending)
            return
        for pending in batch:
            _answer(pending, ACCEPTED)

    async def _commit_one(self, pending: _Pending) -> None:
        try:
            await self._ingest(pending.samples, 1)
        except AppError as exc:
            self._rejected(pending.topic, exc.message)
            _answer(pending, REJECTED)
        except Exception as exc:  # noqa: BLE001 - logged, skipped: never a dead consumer
            log.error("mqtt_message_failed", topic=pending.topic, error=type(exc).__name__)
            self._rejected(pending.topic, type(exc).__name__)
            _answer(pending, REJECTED)
        else:
            _answer(pending, ACCEPTED)

    async def _ingest(self, samples: list[SampleIn], messages: int) -> None:
        """One unit of work; a store outage is waited out (the messages stay unacked)."""
        delay = 0.2
        while True:
            try:
                async with UnitOfWork(self.db, self.bus) as uow:
                    await service.ingest(uow, samples, self.settings, now=utcnow())
            except Exception as exc:
                if not (isinstance(exc, ServiceUnavailable) or is_store_outage(exc)):
                    raise
                self.stats.retries += 1
                log.warning("mqtt_store_unavailable", retry_s=delay, error=type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)
                continue
            self.stats.batches += 1
            self.stats.stored += messages
            self.stats.samples += len(samples)
            mqtt_messages(messages, "accepted")
            return


def _answer(pending: _Pending, code: int) -> None:
    if not pending.done.done():
        pending.done.set_result(code)
