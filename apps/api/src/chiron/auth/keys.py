"""API key format and hashing: `chiron_<keyid>_<secret><checksum>`, pure functions, no I/O.

The CRC32 checksum lets a typo or a truncated key be refused before any database look-up
and lets secret scanners match the pattern. Only HMAC-SHA256(pepper, secret) is stored; the
pepper is derived from `CHIRON_SECRET_KEY`, so a leaked table alone cannot verify guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import zlib
from dataclasses import dataclass
from typing import Literal

from chiron.config import Settings

PREFIX = "chiron_"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
KEY_ID_LENGTH = 12  # public, ~71 bits: unique enough that collisions never matter
SECRET_LENGTH = 30  # ~178 bits of randomness from `secrets`
CHECKSUM_LENGTH = 6  # 62**6 > 2**32, so any CRC32 fits

_SHAPE = re.compile(r"^chiron_([0-9A-Za-z]{8,32})_([0-9A-Za-z]{28,128})$")
_PEPPER_LABEL = b"chiron-api-key-pepper-v1"

PepperMatch = Literal["current", "previous"]


class MalformedKey(ValueError):
    """Not shaped like a Chiron API key."""


class BadChecksum(ValueError):
    """Shaped like a key, but the checksum does not match: a typo or a truncated copy."""


@dataclass(frozen=True, slots=True)
class ParsedKey:
    key_id: str
    secret: str


def base62_encode(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 62)
        chars.append(BASE62[digit])
    if value:
        raise ValueError("value does not fit the width")
    return "".join(reversed(chars))


def _random_base62(length: int) -> str:
    return "".join(secrets.choice(BASE62) for _ in range(length))


def checksum(text: str) -> str:
    return base62_encode(zlib.crc32(text.encode("ascii")), CHECKSUM_LENGTH)


def generate_key_id() -> str:
    return _random_base62(KEY_ID_LENGTH)


def generate_secret() -> str:
    return _random_base62(SECRET_LENGTH)


def format_key(key_id: str, secret: str) -> str:
    body = f"{PREFIX}{key_id}_{secret}"
    return body + checksum(body)


def parse_key(token: str) -> ParsedKey:
    """Check shape and checksum only; raises MalformedKey or BadChecksum."""
    match = _SHAPE.match(token)
    if match is None:
        raise MalformedKey("not a Chiron API key")
    key_id, tail = match.groups()
    secret, given = tail[:-CHECKSUM_LENGTH], tail[-CHECKSUM_LENGTH:]
    expected = checksum(f"{PREFIX}{key_id}_{secret}")
    if not hmac.compare_digest(given, expected):
        raise BadChecksum("API key checksum mismatch")
    return ParsedKey(key_id=key_id, secret=secret)


def pepper(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), _PEPPER_LABEL, hashlib.sha256).digest()


def hash_secret(secret: str, pepper_key: bytes) -> str:
    return hmac.new(pepper_key, secret.encode(), hashlib.sha256).hexdigest()


def current_hash(settings: Settings, secret: str) -> tuple[str, int]:
    """The digest and pepper version to store for a new (or re-hashed) secret."""
    return hash_secret(secret, pepper(settings.secret_key)), settings.pepper_version


def verify_secret(settings: Settings, secret: str, stored_hash: str) -> PepperMatch | None:
    """Constant-time check against the current pepper, then the previous one (rotation).

    A match under the previous pepper tells the caller to re-hash under the current one.
    """
    if hmac.compare_digest(hash_secret(secret, pepper(settings.secret_key)), stored_hash):
        return "current"
    previous = settings.secret_key_previous
    if previous and hmac.compare_digest(hash_secret(secret, pepper(previous)), stored_hash):
        return "previous"
    return None
