"""Which tests the PostgreSQL + Redis run leaves to the SQLite + in-process bus run
(tests/conftest.py): only those that reach neither the store nor the bus. A test that
reaches them in any way (a store-backed fixture, a store of its own of the run's kind) runs
on every store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

API = Path(__file__).resolve().parents[1]
FILES = (
    "tests/test_health.py",
    "tests/test_migrations.py",
    "tests/test_cli.py",
    "tests/telemetry/test_line_protocol_parser.py",
)


def _collected(**env: str) -> tuple[set[str], str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *FILES],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("CHIRON_")}, **env},
        cwd=API,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return {line for line in done.stdout.splitlines() if "::" in line}, done.stdout


def test_the_postgres_run_leaves_out_only_what_touches_no_store() -> None:
    everything, _ = _collected(CHIRON_TEST_STORE="sqlite", CHIRON_TEST_BUS="memory")
    on_pg, report = _collected(CHIRON_TEST_STORE="postgres", CHIRON_TEST_BUS="redis")
    left_out = everything - on_pg
    assert on_pg <= everything
    # Through the app / client fixtures (the run's store and bus).
    assert "tests/test_health.py::test_openapi_is_served" in on_pg
    # A store of its own of the run's kind (store_kind() in the test's body).
    assert "tests/test_migrations.py::test_upgrade_downgrade_upgrade" in on_pg
    # A `chiron` process on a store of its own (the store_url fixture).
    assert "tests/test_cli.py::test_db_upgrade_then_seed_then_seed_again" in on_pg
    # Pure: the parser, the CLI's lazy imports. Deselected (and said so), not skipped.
    assert {t for t in everything if "test_line_protocol_parser.py" in t} <= left_out
    assert any("load_no_heavy_library" in t for t in left_out)
    assert f"({len(left_out)} deselected)" in report
    # CHIRON_TEST_ALL=1 runs everything on every pair.
    every, _ = _collected(
        CHIRON_TEST_STORE="postgres", CHIRON_TEST_BUS="redis", CHIRON_TEST_ALL="1"
    )
    assert every == everything
