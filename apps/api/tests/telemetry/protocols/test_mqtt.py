"""The MQTT front door against a real Mosquitto, with clients nobody here wrote
(`mosquitto_pub`, paho-mqtt): what devices publish is what the summary and series return."""

from __future__ import annotations

import asyncio
import subprocess
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import orjson
import paho.mqtt.client as paho
import pytest
from sqlalchemy import select

from chiron.config import ConfigError, Settings
from chiron.db import Database
from chiron.kit.time import utcnow
from chiron.models import TelemetrySample
from chiron.state import AppState
from chiron.telemetry.protocols.mqtt import BadPayload, parse_message
from tests.fixtures.factories import store_counts
from tests.telemetry.protocols.conftest import Replica, eventually

SUMMARY = "/api/v1/dashboard/summary"


async def mosquitto_pub(broker: str, topic: str, message: str) -> None:
    port = str(urlsplit(broker).port)
    await asyncio.to_thread(
        subprocess.run,
        ["mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-q", "1", "-t", topic, "-m", message],
        check=True,
        timeout=20,
    )


def _paho_publish(broker: str, messages: list[tuple[str, bytes]]) -> None:
    url = urlsplit(broker)
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2, client_id="test-publisher", protocol=paho.MQTTv5
    )
    client.connect(url.hostname or "127.0.0.1", url.port or 1883)
    client.loop_start()
    try:
        infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
        for info in infos:
            info.wait_for_publish(30)
            assert info.is_published()
    finally:
        client.disconnect()
        client.loop_stop()


async def paho_publish(broker: str, messages: list[tuple[str, bytes]]) -> None:
    await asyncio.to_thread(_paho_publish, broker, messages)


async def stored_values(db: Database) -> list[tuple[str, str, float]]:
    async with db.sessionmaker() as session:
        rows = await session.execute(
            select(TelemetrySample.source, TelemetrySample.metric, TelemetrySample.value)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def sample_count(db: Database) -> int:
    return (await store_counts(db))["telemetry_samples"]


async def test_published_samples_are_what_summary_and_series_return(
    replica: Replica,
    broker: str,
    db: Database,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
) -> None:
    ts = (utcnow() - timedelta(seconds=20)).replace(microsecond=250_000)
    async with replica() as mqtt:
        await mosquitto_pub(broker, "chiron/rover-1/battery.voltage", "27.5")
        await paho_publish(
            broker,
            [
                (
                    "chiron/rover-1/core.temp",
                    orjson.dumps({"value": 61.25, "unit": "C", "ts": ts.isoformat()}),
                ),
                (
                    "chiron/site/relay-2",
                    orjson.dumps(
                        {
                            "samples": [
                                {"metric": "link.rssi", "value": -71, "unit": "dBm"},
                                {"source": "site/relay-2", "metric": "link.snr", "value": 9.5},
                            ]
                        }
                    ),
                ),
            ],
        )
        await eventually(lambda: mqtt.stats.stored == 3)
        assert mqtt.stats.rejected == 0

    summary = (await client.get(SUMMARY, headers=auth_headers)).json()
    got = {(m["source"], m["metric"]): (m["value"], m["unit"]) for m in summary["metrics"]}
    assert got == {
        ("rover-1", "battery.voltage"): (27.5, None),
        ("rover-1", "core.temp"): (61.25, "C"),
        ("site/relay-2", "link.rssi"): (-71.0, "dBm"),
        ("site/relay-2", "link.snr"): (9.5, None),
    }
    temp = next(m for m in summary["metrics"] if m["metric"] == "core.temp")
    assert temp["ts"].replace("Z", "+00:00") == ts.isoformat()
    series = (
        await client.get(
            "/api/v1/dashboard/series",
            params={"source": "rover-1", "metric": "core.temp", "points": 2000},
            headers=auth_headers,
        )
    ).json()
    assert [(p["mean"], p["count"]) for p in series["points"] if p["count"]] == [(61.25, 1)]


async def test_broken_payloads_are_counted_logged_and_skipped(
    replica: Replica, broker: str, db: Database
) -> None:
    future = (utcnow() + timedelta(hours=1)).isoformat()
    broken = [
        ("chiron/rover-1/battery.voltage", b"not a number"),
        ("chiron/rover-1/battery.voltage", b'"27.5"'),
        ("chiron/rover-1/battery.voltage", b"NaN"),
        ("chiron/rover-1/battery.voltage", b'{"value": 1, "extra": 2}'),
        ("chiron/rover-1/bad-metric", b"1"),
        ("chiron/rover-1", b"1"),
        ("chiron/rover-1", b'{"samples": [{"source": "rover-9", "metric": "x", "value": 1}]}'),
        # Valid shape, refused by the pipeline (device time an hour ahead of the server).
        ("chiron/rover-1/battery.voltage", orjson.dumps({"value": 1, "ts": future})),
    ]
    good = [("chiron/rover-1/battery.voltage", str(float(i)).encode()) for i in range(5)]
    async with replica() as mqtt:
        await paho_publish(broker, broken[:4] + good[:2] + broken[4:] + good[2:])
        await eventually(lambda: mqtt.stats.stored + mqtt.stats.rejected == 13)
        assert mqtt.stats.rejected == len(broken)
        assert mqtt.stats.stored == len(good)
        # The consumer is alive after all of it.
        await mosquitto_pub(broker, "chiron/rover-1/battery.voltage", "99")
        await eventually(lambda: mqtt.stats.stored == len(good) + 1)
    values = sorted(v for _, _, v in await stored_values(db))
    assert values == [0.0, 1.0, 2.0, 3.0, 4.0, 99.0]


async def test_messages_published_while_the_api_is_down_are_stored_once(
    replica: Replica, broker: str, db: Database
) -> None:
    async with replica("chiron-restart"):
        pass  # the persistent session now exists at the broker; the API stops
    await paho_publish(broker, [("chiron/rover-1/seq", str(i).encode()) for i in range(1000)])
    assert await sample_count(db) == 0
    async with replica("chiron-restart") as mqtt:
        await eventually(lambda: mqtt.stats.stored == 1000, within_s=60)
        assert mqtt.stats.batches < 1000  # queued messages are committed together
    values = await stored_values(db)
    assert len(values) == 1000
    assert sorted(v for _, _, v in values) == [float(i) for i in range(1000)]


async def test_two_replicas_consume_each_message_once(
    replica: Replica, broker: str, db: Database
) -> None:
    async with replica("chiron-a") as a, replica("chiron-b") as b:
        await paho_publish(
            broker, [(f"chiron/rover-{i % 4}/seq", str(i).encode()) for i in range(400)]
        )
        await eventually(lambda: a.stats.messages + b.stats.messages >= 400, within_s=60)
        await eventually(lambda: a.stats.stored + b.stats.stored == 400, within_s=60)
        assert a.stats.messages + b.stats.messages == 400
        # Shared: both took a part.
        assert a.stats.stored > 0
        assert b.stats.stored > 0
    values = await stored_values(db)
    assert sorted(v for _, _, v in values) == [float(i) for i in range(400)]


def test_topic_levels_name_the_source_and_metric() -> None:
    (one,) = parse_message("chiron/fleet/rover-1/battery.voltage", b"3")
    assert (one.source, one.metric, one.value) == ("fleet/rover-1", "battery.voltage", 3.0)
    (other,) = parse_message("plant/a/chiron/x/y", b'{"value": 2.5}', prefix="plant/a/chiron")
    assert (other.source, other.metric, other.value) == ("x", "y", 2.5)
    for topic, payload in [("chiron", b"1"), ("chiron//m", b"1"), ("chironx/a/m", b"1")]:
        try:
            parse_message(topic, payload)
        except BadPayload:
            continue
        raise AssertionError(f"{topic} accepted")


async def test_simulate_publishes_the_demo_fleet_over_mqtt(
    replica: Replica, broker: str, db: Database
) -> None:
    from chiron.dev.simulate import run_fleet

    async with replica() as mqtt:
        stats = await run_fleet("", "", 2, 5.0, 1.5, 7, mqtt=broker)
        assert stats.batches > 0
        assert stats.errors == 0
        await eventually(lambda: mqtt.stats.stored == stats.batches)
        assert mqtt.stats.samples == stats.samples
        assert mqtt.stats.rejected == 0
    sources = {s for s, _, _ in await stored_values(db)}
    assert len(sources) == 2


async def test_a_message_is_acknowledged_only_after_its_commit(
    replica: Replica, broker: str, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store refuses the write: the message stays unacknowledged (no PUBACK), so the
    broker delivers it again to the next run of the session, which stores it."""
    from chiron.errors import StoreUnavailable
    from chiron.telemetry.protocols import mqtt as door

    async def store_down(*_: object, **__: object) -> None:
        raise StoreUnavailable("the store is down")

    with monkeypatch.context() as patched:
        patched.setattr(door.service, "ingest", store_down)
        async with replica("chiron-ack") as mqtt:
            await mosquitto_pub(broker, "chiron/rover-1/battery.voltage", "27.5")
            await eventually(lambda: mqtt.stats.retries >= 2)
            assert mqtt.stats.stored == 0
    assert await sample_count(db) == 0
    async with replica("chiron-ack") as mqtt:
        await eventually(lambda: mqtt.stats.stored == 1)
    assert await stored_values(db) == [("rover-1", "battery.voltage", 27.5)]


async def test_one_refused_message_costs_the_others_nothing(
    settings: Settings, db: Database, state: AppState
) -> None:
    """Waiting messages are committed together; when the pipeline refuses the combined
    batch (here: one message's device time is an hour ahead), each is retried alone."""
    from chiron.telemetry.protocols.mqtt import ACCEPTED, REJECTED, MqttIngest, _Pending

    door = MqttIngest(db, state.bus, settings.model_copy(update={"mqtt_url": "mqtt://x"}))
    loop = asyncio.get_running_loop()
    ahead = (utcnow() + timedelta(hours=1)).isoformat()
    messages = [
        ("chiron/rover-1/a", b"1"),
        ("chiron/rover-1/a", orjson.dumps({"value": 2, "ts": ahead})),
        ("chiron/rover-1/a", b"3"),
    ]
    batch = [_Pending(t, parse_message(t, p), loop.create_future()) for t, p in messages]
    await door._commit(batch)
    assert [p.done.result() for p in batch] == [ACCEPTED, REJECTED, ACCEPTED]
    assert (door.stats.stored, door.stats.rejected) == (2, 1)
    assert sorted(v for _, _, v in await stored_values(db)) == [1.0, 3.0]

    # Without a refusal, the same three are one unit of work.
    batch = [_Pending(t, parse_message(t, b"4"), loop.create_future()) for t, _ in messages]
    before = door.stats.batches
    await door._commit(batch)
    assert door.stats.batches == before + 1
    assert [p.done.result() for p in batch] == [ACCEPTED] * 3


def test_a_malformed_broker_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="CHIRON_MQTT_URL"):
        Settings(mqtt_url="http://broker:1883", _env_file=None)  # type: ignore[call-arg]
    assert Settings(mqtt_url="", _env_file=None).mqtt_url is None  # type: ignore[call-arg]


async def test_a_device_two_hours_behind_over_mqtt_is_reported_skewed(
    replica: Replica, broker: str, client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    behind = (utcnow() - timedelta(hours=2)).isoformat()
    async with replica() as mqtt:
        await mosquitto_pub(
            broker, "chiron/rover-9/core.temp", orjson.dumps({"value": 40, "ts": behind}).decode()
        )
        await eventually(lambda: mqtt.stats.stored == 1)
    summary = (await client.get(SUMMARY, headers=auth_headers)).json()
    (clock,) = summary["sources"]
    assert clock["source"] == "rover-9"
    assert clock["skewed"] is True
    assert 7100 < clock["skew_s"] < 7300
    page = (await client.get("/api/v1/dashboard/timeline", headers=auth_headers)).json()
    assert [(e["kind"], e["source"]) for e in page["items"]] == [("clock_skew", "rover-9")]


async def test_the_subscriber_comes_back_after_the_broker_restarts(
    settings: Settings, app: object, db: Database, tmp_path: Path
) -> None:
    """The broker dies and comes back empty (no persistence): the service reconnects on
    its own and subscribes again; what is published after that is stored."""
    from chiron.app import create_app
    from tests.telemetry.protocols.conftest import free_port, run_broker

    port = free_port()
    url = f"mqtt://127.0.0.1:{port}"
    configured = settings.model_copy(update={"mqtt_url": url, "mqtt_client_id": "chiron-rb"})
    application = create_app(configured)
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    with ExitStack() as first:
        first.enter_context(run_broker(tmp_path / "first", port=port))
        async with application.router.lifespan_context(application):
            mqtt = application.state.chiron.extras["mqtt"]  # type: ignore[attr-defined]
            assert await mqtt.wait_subscribed(10)
            await mosquitto_pub(url, "chiron/rover-1/seq", "1")
            await eventually(lambda: mqtt.stats.stored == 1)
            first.close()  # the broker goes away
            await eventually(lambda: not mqtt.stats.connected)
            with run_broker(tmp_path / "second", port=port):
                await eventually(lambda: mqtt.stats.subscribed >= 2, within_s=60)
                await mosquitto_pub(url, "chiron/rover-1/seq", "2")
                await eventually(lambda: mqtt.stats.stored == 2)
    assert sorted(v for _, _, v in await stored_values(db)) == [1.0, 2.0]


async def test_a_broker_down_at_startup_delays_mqtt_not_the_api(
    settings: Settings, app: object, db: Database, tmp_path: Path
) -> None:
    from chiron.app import create_app
    from tests.telemetry.protocols.conftest import free_port, run_broker

    port = free_port()
    url = f"mqtt://127.0.0.1:{port}"
    configured = settings.model_copy(update={"mqtt_url": url, "mqtt_client_id": "chiron-late"})
    application = create_app(configured)
    async with application.router.lifespan_context(application):  # starts: no broker yet
        mqtt = application.state.chiron.extras["mqtt"]  # type: ignore[attr-defined]
        assert not mqtt.stats.connected
        with run_broker(tmp_path, port=port):
            assert await mqtt.wait_subscribed(60)
            await mosquitto_pub(url, "chiron/rover-1/seq", "7")
            await eventually(lambda: mqtt.stats.stored == 1)
    assert await stored_values(db) == [("rover-1", "seq", 7.0)]
