from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


API_DIR = Path(__file__).resolve().parents[1]


def _settings_in(cwd: Path, url: str | None) -> str:
    """The store URL a fresh process started in `cwd` settles on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIRON_")}
    if url is not None:
        env["CHIRON_DATABASE_URL"] = url
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from chiron.config import get_settings as g; print(g().database_url)",
        ],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_the_default_store_does_not_depend_on_the_working_directory(tmp_path: Path) -> None:
    """`chiron` from the repository root finds the store `make run` uses, not a new one."""
    expected = f"sqlite+aiosqlite:///{API_DIR / 'var' / 'chiron.db'}"
    assert _settings_in(tmp_path, None) == expected
    assert _settings_in(API_DIR.parents[1], None) == expected
    relative = "sqlite+aiosqlite:///./var/other.db"
    assert _settings_in(tmp_path, relative) == f"sqlite+aiosqlite:///{API_DIR / 'var' / 'other.db'}"


def test_absolute_and_server_urls_are_kept_as_given(tmp_path: Path) -> None:
    absolute = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    assert Settings(database_url=absolute, _env_file=None).database_url == absolute  # type: ignore[call-arg]
    memory = "sqlite+aiosqlite:///:memory:"
    assert Settings(database_url=memory, _env_file=None).database_url == memory  # type: ignore[call-arg]
    pg = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    assert Settings(database_url=pg, _env_file=None).database_url == pg  # type: ignore[call-arg]


def test_alertmanager_urls_parse_from_a_comma_list_and_must_be_http() -> None:
    parsed = Settings(
        alertmanager_url="http://am-1:9093/, http://am-2:9093",  # type: ignore[arg-type]
        _env_file=None,  # type: ignore[call-arg]
    )
    assert parsed.alertmanager_url == ["http://am-1:9093", "http://am-2:9093"]
    with pytest.raises((ConfigError, ValueError), match="CHIRON_ALERTMANAGER_URL"):
        Settings(alertmanager_url="am-1:9093", _env_file=None)  # type: ignore[arg-type, call-arg]
