"""`chiron simulate` as `make run` runs it: Ctrl-C (SIGINT) is a clean stop, exit 0, no
traceback in its log."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.cli import BIN, chiron_ok, serve

pytestmark = pytest.mark.slow

# Its first progress line, printed once its signal handlers are in place.
STARTED = re.compile(r"simulate: \d+ samples in")


async def test_sigint_stops_the_fleet_cleanly(store_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHIRON_", "OTEL_"))}
    env.update(CHIRON_DATABASE_URL=store_url, CHIRON_SEED_ON_START="false")
    chiron_ok("db", "upgrade", env=env, cwd=tmp_path)  # serve migrates SQLite only
    async with serve(env, tmp_path) as url:
        created = chiron_ok(
            "clients", "create", "fleet", "--scope", "ingest", env=env, cwd=tmp_path
        )
        [key] = [line for line in created.splitlines() if line.startswith("chiron_")]
        log = tmp_path / "simulate.log"
        with log.open("wb") as out:
            fleet = subprocess.Popen(  # noqa: ASYNC220 - polled below
                [str(BIN / "chiron"), "simulate", "--url", url, "--token", key, "--rate", "5"],
                env=env,
                cwd=tmp_path,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            # Until it is running: a SIGINT before its handlers are in place is click's
            # "Aborted!", exit 1, and a loaded machine can take more than seconds to start it.
            for _ in range(600):
                await asyncio.sleep(0.1)
                if STARTED.search(log.read_text()) or fleet.poll() is not None:
                    break
            assert STARTED.search(log.read_text()), log.read_text()
            await asyncio.sleep(1.0)
            fleet.send_signal(signal.SIGINT)
            code = await asyncio.to_thread(fleet.wait, 30)
        finally:
            if fleet.poll() is None:
                fleet.kill()
    text = log.read_text()
    assert code == 0, text
    assert "Traceback" not in text
    assert "never retrieved" not in text
    assert "0 errors" in text.splitlines()[-1]
