"""The `chiron` command as a user runs it: a real process against a real store."""

from __future__ import annotations

import os
from pathlib import Path

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
