"""A structlog processor that keeps credentials out of every log line.

Values under credential-bearing keys (`authorization`, `cookie`, `token`, …) are replaced
wholesale; anywhere else, API keys, service tokens, JWTs and `Bearer …` values are masked
inside strings. An API key keeps its public key id so a log still says which key was used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import structlog

REDACTED = "[REDACTED]"
_SENSITIVE_KEYS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "token",
        "access_token",
        "refresh_token",
        "assertion",
        "secret",
        "secret_key",
        "password",
        "chiron_session",
    }
)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)\b(bearer|basic)\s+[^\s,;\"']+"), rf"\1 {REDACTED}"),
    (re.compile(r"\bchiron_([0-9A-Za-z]{1,64})_[0-9A-Za-z]+"), rf"chiron_\1_{REDACTED}"),
    (re.compile(r"\bv1\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), REDACTED),
    (re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),
    (re.compile(r"(chiron_session=)[^\s;,\"']+"), rf"\1{REDACTED}"),
]
_MAX_DEPTH = 6
# structlog's own bookkeeping (the stdlib record, formatter flags): passed through untouched.
_INTERNAL_KEYS = frozenset({"_record", "_from_structlog", "stack_info"})


def scrub_text(text: str) -> str:
    if "chiron_" not in text and "." not in text and " " not in text:
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _is_sensitive(key: object) -> bool:
    if isinstance(key, bytes):
        key = key.decode("latin-1")
    return isinstance(key, str) and key.lower() in _SENSITIVE_KEYS


def _scrub(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if depth >= _MAX_DEPTH:
        return value
    if isinstance(value, bytes):
        return scrub_text(value.decode("latin-1")).encode("latin-1")
    if isinstance(value, Mapping):
        return {k: REDACTED if _is_sensitive(k) else _scrub(v, depth + 1) for k, v in value.items()}
    if type(value) in (list, tuple):
        # ASGI-style header pairs: (name, value).
        if len(value) == 2 and _is_sensitive(value[0]):
            return type(value)((value[0], REDACTED))
        return type(value)(_scrub(v, depth + 1) for v in value)
    return value


def scrub_secrets(logger: Any, method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: add it after the processors that enrich the event.

    A traceback is rendered here (instead of by the final formatter) so that an exception
    message carrying a credential is scrubbed too.
    """
    if event_dict.get("exc_info"):
        event_dict = dict(structlog.processors.format_exc_info(logger, method, event_dict))
    return {
        key: value if key in _INTERNAL_KEYS else REDACTED if _is_sensitive(key) else _scrub(value)
        for key, value in event_dict.items()
    }
