"""Retention settings: durations or `off`, coarser tiers kept at least as long as finer ones,
and a startup error that names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from chiron.config import ConfigError, Settings


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_documented_defaults() -> None:
    assert _settings().retention == {
        "raw": timedelta(days=30),
        "10s": timedelta(days=90),
        "1m": timedelta(days=180),
        "10m": timedelta(days=365),
        "1h": timedelta(days=1825),
    }
    assert _settings().prune_interval_s == 3600


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("12h", timedelta(hours=12)),
        ("90m", timedelta(minutes=90)),
        ("2w", timedelta(weeks=2)),
        ("7200s", timedelta(hours=2)),
        (" 45D ", timedelta(days=45)),
    ],
)
def test_durations_parse(text: str, kept: timedelta) -> None:
    assert _settings(retention_raw=text).retention_raw == kept


@pytest.mark.parametrize("text", ["off", "0", "forever"])
def test_off_keeps_forever(text: str) -> None:
    names = ("raw", "rollup_10s", "rollup_1m", "rollup_10m", "rollup_1h")
    tiers = {f"retention_{t}": text for t in names}
    assert set(_settings(**tiers).retention.values()) == {None}


@pytest.mark.parametrize("text", ["30", "30x", "d30", "-1d", "1.5d", ""])
def test_a_bad_duration_names_the_variable(text: str) -> None:
    with pytest.raises(ConfigError, match="CHIRON_RETENTION_ROLLUP_1M must be a duration"):
        _settings(retention_rollup_1m=text)


def test_a_coarser_tier_cannot_be_kept_shorter() -> None:
    with pytest.raises(ConfigError, match=r"CHIRON_RETENTION_ROLLUP_10S \(90d\) must be at least"):
        _settings(retention_raw="100d")


def test_a_coarser_tier_must_be_off_when_a_finer_one_is() -> None:
    with pytest.raises(ConfigError, match=r"CHIRON_RETENTION_ROLLUP_1M .* must be off too"):
        _settings(retention_rollup_10s="off")


def test_shorter_than_an_hour_is_refused() -> None:
    with pytest.raises(ConfigError, match="CHIRON_RETENTION_RAW must be at least 1h"):
        _settings(retention_raw="30m")


def test_the_server_refuses_to_start_with_the_variable_named(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIRON_")}
    env["CHIRON_RETENTION_RAW"] = "a month"
    result = subprocess.run(
        [sys.executable, "-m", "chiron", "serve", "--port", "0"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "CHIRON_RETENTION_RAW must be a duration" in result.stderr
    assert "Traceback" not in result.stderr
