"""Settings read from the environment (and an optional `.env`), grouped by concern."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEV_SECRET_KEY = "chiron-dev-secret-change-me"  # noqa: S105 - a development default production refuses
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/chiron.db"
# The API's directory (apps/api in a checkout, /app in the image). Relative SQLite paths and
# the optional `.env` are read from here, never from the working directory, so `chiron`
# finds the same store and configuration wherever it is started.
API_DIR = Path(__file__).resolve().parents[2]


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class LogFormat(StrEnum):
    json = "json"
    console = "console"


# The samples store's tiers, finest first: raw samples, then one per rollup resolution
# (chiron.telemetry.rollups.RESOLUTIONS: 10 s, 1 min, 10 min, 1 h).
RETENTION_FIELDS = (
    "retention_raw",
    "retention_rollup_10s",
    "retention_rollup_1m",
    "retention_rollup_10m",
    "retention_rollup_1h",
)
MIN_RETENTION = timedelta(hours=1)


class ConfigError(RuntimeError):
    """The configuration cannot run; the message names the variable to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CHIRON_", env_file=API_DIR / ".env", extra="ignore", case_sensitive=False
    )

    env: Environment = Environment.development

    # store
    database_url: str = DEFAULT_DATABASE_URL
    database_pool_size: int = 10

    # bus
    redis_url: str | None = None
    stream_key: str = "telemetry:dashboard"
    # Deadline of one short Redis command (publish, ping, replay reads), retries included;
    # after a miss, such commands are refused at once for a couple of seconds.
    bus_timeout_s: float = 1.0
    stream_maxlen: int = 100_000
    stream_queue_size: int = 1_000
    # Per stream connection: bytes queued or being written before it is told to resync.
    stream_client_max_bytes: int = 8 * 1024 * 1024
    heartbeat_s: float = 15.0
    stale_sweep_s: float = 5.0
    # The longest an operator may shelve an alarm (8 h); expiry is checked by the sweep.
    shelve_max_s: float = Field(8 * 3600.0, gt=0)

    # auth
    secret_key: str = DEV_SECRET_KEY
    secret_key_previous: str | None = None
    pepper_version: int = 1
    service_token_ttl_s: int = 900
    auth_issuer: str | None = None
    auth_jwks_url: str | None = None
    auth_audience: str | None = None
    cookie_secure: bool | None = None
    auth_cache_ttl_s: float = 5.0

    # ingest
    max_body_bytes: int = 4 * 1024 * 1024  # decoded: a gzip body may not inflate past it
    # Longest wait for the next piece of a request body (a body shorter than its
    # Content-Length, a stalled upload) before the request is answered 408.
    body_read_timeout_s: float = 15.0
    future_tolerance_s: float = 300.0
    max_age_days: int = 365 * 5
    idempotency_ttl_s: int = 24 * 3600
    # Device protocols (docs/protocols/): the line-protocol tag and the OTLP resource
    # attribute that name a sample's source (OTLP falls back to host.name, service.name).
    lp_source_tag: str = "host"
    otlp_source_attr: str = "service.instance.id"
    # A source whose clock is off by more than this (median of receive time - device time
    # over its recent samples) is marked on the dashboard and the timeline records it.
    skew_warn_s: float = 5.0

    # MQTT front door (docs/protocols/mqtt.md): unset, the service does not subscribe.
    # mqtt://[user:password@]host[:1883] or mqtts://...:8883 (TLS).
    mqtt_url: str | None = None
    mqtt_topic_prefix: str = "chiron"
    # Replicas in one group share the subscription ($share/<group>/...): each message is
    # consumed by exactly one of them. Empty: a plain subscription (every replica consumes).
    mqtt_share_group: str = "chiron"
    # The persistent session's name: stable across restarts, different per replica.
    # Default chiron-<hostname>.
    mqtt_client_id: str | None = None
    mqtt_session_expiry_s: int = 7 * 24 * 3600
    mqtt_max_batch: int = 5_000  # samples of queued messages committed in one transaction

    # Notifications (docs/notifications.md). Alertmanager: one URL, or several (comma-
    # separated) for a cluster; alerts go to every one, silences to the first that answers.
    alertmanager_url: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Active alarms are re-posted this often, below Alertmanager's resolve_timeout (5 m).
    alertmanager_resend_s: float = Field(60.0, gt=0)
    # Where people open the dashboard: the link in every alert (annotation dashboard_url).
    public_url: str = "http://localhost:3000"
    # Each delivery's own deadline, then retries with exponential backoff and full jitter
    # (base, cap) until it is this old; 0 s poll disables the dispatcher in this process.
    notify_timeout_s: float = Field(5.0, gt=0)
    notify_backoff_s: float = Field(2.0, gt=0)
    notify_backoff_max_s: float = Field(3600.0, gt=0)
    notify_give_up_s: float = Field(24 * 3600.0, gt=0)
    notify_poll_s: float = Field(1.0, ge=0)
    notify_concurrency: int = Field(16, ge=1)
    # Delivered, failed and superseded deliveries stay in the delivery log this long.
    notify_keep_s: float = Field(7 * 24 * 3600.0, gt=0)

    # retention (docs/retention.md): how long each tier of the samples store is kept; None
    # (`off` or `0` in the environment) keeps it forever. Coarser tiers must be kept at least
    # as long as finer ones, so a long-range read never finds a hole a finer tier still has.
    retention_raw: timedelta | None = timedelta(days=30)
    retention_rollup_10s: timedelta | None = timedelta(days=90)
    retention_rollup_1m: timedelta | None = timedelta(days=180)
    retention_rollup_10m: timedelta | None = timedelta(days=365)
    retention_rollup_1h: timedelta | None = timedelta(days=365 * 5)
    # How often each replica runs the prune job (0: never; `chiron db prune` still works).
    prune_interval_s: float = Field(3600.0, ge=0)
    # Rows deleted per batch at most: on SQLite one hold of the writer each, the size adapting
    # downwards to hold it ~40 ms at most (chiron.telemetry.stores.sqlite; docs/retention.md).
    prune_batch_rows: int = Field(1_000, ge=1, le=100_000)
    # PostgreSQL: daily partitions kept created ahead of today.
    partition_ahead_days: int = Field(3, ge=1, le=60)

    # http
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_format: LogFormat | None = None
    log_level: str = "INFO"
    seed_on_start: bool | None = None

    @field_validator("database_url")
    @classmethod
    def _anchor_sqlite_path(cls, value: str) -> str:
        """`sqlite…:///./var/chiron.db` means apps/api/var/chiron.db from anywhere."""
        return anchored_sqlite_url(value)

    @field_validator("mqtt_url")
    @classmethod
    def _mqtt_url_shape(cls, value: str | None) -> str | None:
        if not value:
            return None
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in {"mqtt", "mqtts", "tcp", "ssl"} or not parts.hostname:
            raise ConfigError(
                "CHIRON_MQTT_URL must look like mqtt://[user:password@]host[:1883] "
                "(or mqtts://host:8883 for TLS)"
            )
        return value

    @field_validator("alertmanager_url", mode="before")
    @classmethod
    def _split_alertmanagers(cls, value: object) -> object:
        if isinstance(value, str):
            value = [u.strip().rstrip("/") for u in value.split(",") if u.strip()]
        if isinstance(value, list):
            from urllib.parse import urlsplit

            for url in value:
                parts = urlsplit(str(url))
                if parts.scheme not in {"http", "https"} or not parts.hostname:
                    raise ConfigError(
                        "CHIRON_ALERTMANAGER_URL must be http(s)://host:9093 URLs, "
                        "comma-separated for a cluster"
                    )
        return value

    @field_validator(*RETENTION_FIELDS, mode="before")
    @classmethod
    def _retention_duration(cls, value: object, info: ValidationInfo) -> object:
        name = f"CHIRON_{(info.field_name or '').upper()}"
        if isinstance(value, str):
            return parse_retention(value, name)
        if isinstance(value, timedelta) and value <= timedelta(0):
            return None
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip() for o in value.split(",") if o.strip()]
        return value

    @model_validator(mode="after")
    def _production_needs_a_secret(self) -> Settings:
        if self.env is Environment.production and (
            not self.secret_key or self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32
        ):
            raise ConfigError(
                "CHIRON_SECRET_KEY must be set to a random value of at least 32 characters "
                "when CHIRON_ENV=production (for example: "
                'python -c "import secrets; print(secrets.token_urlsafe(48))")'
            )
        return self

    @model_validator(mode="after")
    def _coarser_tiers_kept_longer(self) -> Settings:
        tiers = [(f"CHIRON_{name.upper()}", getattr(self, name)) for name in RETENTION_FIELDS]
        for name, kept in tiers:
            if kept is not None and kept < MIN_RETENTION:
                raise ConfigError(
                    f"{name} must be at least 1h (or off to keep forever), got "
                    f"{format_duration(kept)}: shorter drops what the dashboard still draws"
                )
        for (finer, finer_kept), (coarser, coarser_kept) in itertools.pairwise(tiers):
            if finer_kept is None and coarser_kept is not None:
                raise ConfigError(
                    f"{coarser} ({format_duration(coarser_kept)}) must be off too, since "
                    f"{finer} is off: a "
                    "coarser tier is kept at least as long as a finer one"
                )
            if finer_kept is not None and coarser_kept is not None and coarser_kept < finer_kept:
                raise ConfigError(
                    f"{coarser} ({format_duration(coarser_kept)}) must be at least {finer} "
                    f"({format_duration(finer_kept)}): "
                    "a coarser tier is kept at least as long as a finer one, so a long-range "
                    "read never misses what a finer tier still holds"
                )
        return self

    @property
    def retention(self) -> dict[str, timedelta | None]:
        """Tier name (`raw`, `10s`, `1m`, `10m`, `1h`) -> how long it is kept (None: forever)."""
        return {name.rsplit("_", 1)[-1]: getattr(self, name) for name in RETENTION_FIELDS}

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_development(self) -> bool:
        return self.env is Environment.development

    @property
    def effective_log_format(self) -> LogFormat:
        if self.log_format is not None:
            return self.log_format
        return LogFormat.json if self.env is Environment.production else LogFormat.console

    @property
    def should_seed_on_start(self) -> bool:
        if self.seed_on_start is not None:
            return self.seed_on_start
        return self.env is Environment.development

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.env is Environment.production


_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_retention(text: str, name: str) -> timedelta | None:
    """`30d`, `12h`, `90m`, `2w`, `3600s` -> a timedelta; `off`, `0`, `forever` -> None."""
    if text.strip().lower() in {"0", "off", "none", "forever", "never"}:
        return None
    match = _DURATION.match(text)
    if match is None:
        raise ConfigError(
            f"{name} must be a duration such as 30d, 12h, 90m or 2w (units s, m, h, d, w), "
            f"or off to keep forever; got {text!r}"
        )
    seconds = int(match[1]) * _UNIT_S[match[2].lower()]
    if seconds > 100 * 366 * 86400:
        raise ConfigError(f"{name} must be at most 100 years (or off to keep forever)")
    return timedelta(seconds=seconds) if seconds else None


def format_duration(value: timedelta | None) -> str:
    """The largest whole unit: `30d`, `12h`, `90m`; `off` for None."""
    if value is None:
        return "off"
    seconds = int(value.total_seconds())
    for unit in ("w", "d", "h", "m"):
        if seconds and seconds % _UNIT_S[unit] == 0:
            return f"{seconds // _UNIT_S[unit]}{unit}"
    return f"{seconds}s"


def anchored_sqlite_url(url: str, base: Path = API_DIR) -> str:
    """A SQLite URL whose relative file path is resolved against `base`; other URLs as given."""
    if not url.startswith("sqlite"):
        return url
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return url
    path = Path(database)
    if path.is_absolute():
        return url
    return parsed.set(database=str((base / path).resolve())).render_as_string(hide_password=False)


@lru_cache
def get_settings() -> Settings:
    return Settings()
