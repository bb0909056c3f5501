"""The Mosquitto ACL of docs/protocols/mqtt.md, run as written: each device may publish
only to its own topics, and the service's shared subscription reads them all."""

from __future__ import annotations

import asyncio
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from chiron.db import Database
from tests.telemetry.protocols.conftest import Replica, eventually, run_broker

DOC = Path(__file__).resolve().parents[5] / "docs" / "protocols" / "mqtt.md"
USERS = {"chiron-ingest": "service-password", "rover-1": "rover-1-password", "rover-2": "r2"}


def documented_acl() -> str:
    (block,) = re.findall(r"```acl\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    return block


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[str]:
    """The documented broker: no anonymous clients, a password per user, the ACL."""
    passwd = tmp_path / "passwd"
    for i, (user, password) in enumerate(USERS.items()):
        flags = ["-c"] if i == 0 else []
        subprocess.run(
            ["mosquitto_passwd", *flags, "-b", str(passwd), user, password],
            check=True,
            timeout=10,
        )
    acl = tmp_path / "acl"
    acl.write_text(documented_acl())
    conf = f"allow_anonymous false\npassword_file {passwd}\nacl_file {acl}\n"
    with run_broker(tmp_path, conf) as port:
        yield f"mqtt://chiron-ingest:{USERS['chiron-ingest']}@127.0.0.1:{port}"


async def _pub(broker: str, user: str, topic: str, message: str) -> None:
    port = broker.rsplit(":", 1)[1]
    await asyncio.to_thread(
        subprocess.run,
        [
            "mosquitto_pub",
            "-h",
            "127.0.0.1",
            "-p",
            port,
            "-u",
            user,
            "-P",
            USERS[user],
            "-q",
            "1",
            "-t",
            topic,
            "-m",
            message,
        ],
        check=True,
        timeout=20,
    )


async def test_each_device_publishes_only_to_its_own_topics(
    replica: Replica, broker: str, db: Database
) -> None:
    async with replica() as mqtt:
        # rover-1 tries to speak for rover-2, on both topic shapes: the broker drops it.
        await _pub(broker, "rover-1", "chiron/rover-2/battery.voltage", "13")
        await _pub(
            broker, "rover-1", "chiron/rover-2", '{"samples": [{"metric": "x", "value": 13}]}'
        )
        await _pub(broker, "rover-1", "chiron/rover-1/battery.voltage", "27.5")
        await _pub(broker, "rover-2", "chiron/rover-2/battery.voltage", "12.5")
        await eventually(lambda: mqtt.stats.stored == 2)
        assert mqtt.stats.messages == 2
    from tests.telemetry.protocols.test_mqtt import stored_values

    assert sorted(await stored_values(db)) == [
        ("rover-1", "battery.voltage", 27.5),
        ("rover-2", "battery.voltage", 12.5),
    ]
