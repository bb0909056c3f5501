"""The README as a newcomer follows it: its marked shell blocks run copy-pasted from the
repository root against a real `chiron serve` on a fresh store, and `make help` lists
every target of the Makefile."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.cli import chiron_ok, serve

ROOT = Path(__file__).resolve().parents[3]
MARK = "<!-- readme-test -->"

pytestmark = pytest.mark.slow


def readme_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(re.escape(MARK) + r"\s*```sh\n(.*?)```", text, flags=re.S)


async def test_readme_blocks_run_from_the_repository_root(store_url: str, tmp_path: Path) -> None:
    blocks = readme_blocks()
    assert len(blocks) >= 2
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHIRON_", "OTEL_"))}
    # The README's store is make run's; this test's is its own (both for serve and ./chiron).
    env.update(CHIRON_DATABASE_URL=store_url, CHIRON_SEED_ON_START="false")
    chiron_ok("db", "upgrade", env=env, cwd=tmp_path)  # serve migrates SQLite only
    async with serve(env, tmp_path) as url:
        script = "\n".join(b.replace("http://127.0.0.1:8000", url) for b in blocks)
        done = subprocess.run(  # noqa: ASYNC221 - the blocks call the server above
            ["bash", "-euo", "pipefail", "-c", script],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert '"accepted":1' in done.stdout.replace(" ", ""), done.stdout
    # The summary read with the read key shows what the ingest key pushed.
    assert '"source":"rover-7"' in done.stdout.replace(" ", ""), done.stdout


def test_make_help_lists_every_target() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([A-Za-z0-9][A-Za-z0-9_.-]*):(?!=)", makefile, flags=re.M))
    listed = subprocess.run(
        ["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    shown = {line.split()[0] for line in listed.splitlines() if line.strip()}
    assert targets - shown == set()
