"""The `chiron` command as a user runs it: a real process against a real store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.cli import chiron


async def test_db_upgrade_then_seed_then_seed_again(store_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIRON_")}
    env.update(CHIRON_DATABASE_URL=store_url, CHIRON_ENV="development")
    upgraded = chiron("db", "upgrade", env=env, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "Database is at head" in upgraded.stdout
    seeded = chiron("db", "seed", env=env, cwd=tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    assert "Seeded 7 gates" in seeded.stdout
    again = chiron("db", "seed", env=env, cwd=tmp_path)
    assert "nothing seeded" in again.stdout
    down = chiron("db", "downgrade", "base", env=env, cwd=tmp_path)
    assert down.returncode == 0, down.stderr


HEAVY = ("alembic", "fastapi", "httpx", "pydantic", "rich", "sqlalchemy", "uvicorn")
PROBE = """
import sys
sys.argv = ["chiron", *sys.argv[1:]]
from chiron.cli import app
try:
    app()
except SystemExit:
    pass
print("loaded:" + ",".join(m for m in {heavy!r} if m in sys.modules))
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["db", "--help"],
        ["clients", "--help"],
        ["clients", "create", "--help"],
        ["simulate", "--help"],
        ["serve", "--help"],
    ],
)
def test_calls_that_do_not_touch_the_store_load_no_heavy_library(
    argv: list[str], tmp_path: Path
) -> None:
    """How the CLI stays well under half a second (measured in docs/performance.md): the web
    framework, the ORM, Alembic, pydantic and rich load only in commands that need them."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv],
        env={k: v for k, v in os.environ.items() if not k.startswith("CHIRON_")},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    [loaded] = [line for line in done.stdout.splitlines() if line.startswith("loaded:")]
    assert loaded == "loaded:", done.stdout
