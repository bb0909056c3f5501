"""Credentials out of everything Chiron records: log lines (a structlog processor) and
span attributes (`scrub_attributes`, used by the tracing pipeline before export).

Values under credential-bearing keys (`authorization`, `cookie`, `token`, …) are replaced
wholesale; anywhere else, API keys, service tokens, JWTs and `Bearer …` values are masked
inside strings, and so are the values of credential-named query parameters in any URL
(`?token=…`, `&api_key=…`: a token sent in a query string is refused, but its URL is still
recorded by access logs and the request span). An API key keeps its public key id so a log
still says which key was used.
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
# Query parameters that carry credentials, by name; their values go, the names stay.
_QUERY_NAMES = (
    "access_token|token|id_token|refresh_token|api_key|apikey|api-key|key|password|passwd|"
    "secret|client_secret|assertion|authorization|auth|session|chiron_session|jwt|signature|sig"
)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?i)((?:^|[?&;])(?:{_QUERY_NAMES})=)[^&#\s\"']*"), rf"\1{REDACTED}"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[^\s,;\"']+"), rf"\1 {REDACTED}"),
    (re.compile(r"\bchiron_([0-9A-Za-z]{1,64})_[0-9A-Za-z]+"), rf"chiron_\1_{REDACTED}"),
    (re.compile(r"\bv1\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), REDACTED),
    (re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),
    (re.compile(r"(chiron_session=)[^\s;,\"']+"), rf"\1{REDACTED}"),
]
_MAX_DEPTH = 6
# structlog's own bookkeeping (the stdlib record, formatter flags): passed through untouched.
_INTERNAL_KEYS = frozenset({"_record", "_from_structlog", "stack_info"})


# Every pattern needs one of these (case aside): a string without any is returned as it is,
# without running a regex. This runs on every log line and every span attribute.
_MARKERS = ("=", "chiron_", "bearer", "basic", "v1.", "eyj")


def scrub_text(text: str) -> str:
    lowered = text.lower()
    # Unrolled: a generator over _MARKERS costs more than all six tests.
    if (
        _MARKERS[0] not in lowered
        and _MARKERS[1] not in lowered
        and _MARKERS[2] not in lowered
        and _MARKERS[3] not in lowered
        and _MARKERS[4] not in lowered
        and _MARKERS[5] not in lowered
    ):
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _is_sensitive(key: object) -> bool:
    if isinstance(key, bytes):
        key = key.decode("latin-1")
    return isinstance(key, str) and key.lower() in _SENSITIVE_KEYS


def _is_sensitive_attribute(key: str) -> bool:
    # Span attributes are dotted: `http.request.header.authorization` names a header.
    return key.rpartition(".")[2].lower() in _SENSITIVE_KEYS


def scrub_attributes(attributes: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A scrubbed copy of span (or event) attributes, or None when nothing needed it:
    `http.url`, `url.full`, `url.query`, `http.target`, exception messages, any string."""
    if not attributes:
        return None
    out: dict[str, Any] | None = None
    for key, value in attributes.items():
        if _is_sensitive_attribute(key):
            clean: Any = REDACTED
        elif type(value) is str:
            clean = scrub_text(value)
        elif isinstance(value, tuple | list) and any(isinstance(v, str) for v in value):
            clean = tuple(scrub_text(v) if isinstance(v, str) else v for v in value)
            if clean == tuple(value):
                continue
        else:
            continue
        if clean is not value:  # scrub_text returns its argument when there was nothing
            out = out if out is not None else dict(attributes)
            out[key] = clean
    return out


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
