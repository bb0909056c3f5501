from __future__ import annotations

import os
import subprocess
import sys

import pytest

from chiron.config import DEV_SECRET_KEY, ConfigError, Settings


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ConfigError, match="CHIRON_SECRET_KEY"):
        Settings(env="production", secret_key=DEV_SECRET_KEY, _env_file=None)  # type: ignore[call-arg]


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ConfigError, match="CHIRON_SECRET_KEY"):
        Settings(env="production", secret_key="short", _env_file=None)  # type: ignore[call-arg]


def test_production_accepts_a_real_secret() -> None:
    settings = Settings(env="production", secret_key="s" * 48, _env_file=None)  # type: ignore[call-arg]
    assert settings.secure_cookies
    assert settings.effective_log_format.value == "json"
    assert not settings.should_seed_on_start


def test_cors_origins_parse_from_a_comma_list() -> None:
    settings = Settings(cors_origins="http://a.test, http://b.test", _env_file=None)  # type: ignore[call-arg]
    assert settings.cors_origins == ["http://a.test", "http://b.test"]


def test_cli_refuses_to_serve_in_production_without_secret(tmp_path: os.PathLike[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIRON_")}
    env["CHIRON_ENV"] = "production"
    result = subprocess.run(
        [sys.executable, "-m", "chiron", "serve", "--port", "0"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "CHIRON_SECRET_KEY" in result.stderr
