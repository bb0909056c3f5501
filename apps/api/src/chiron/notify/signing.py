"""Webhook signatures, Stripe's scheme: `Chiron-Signature: t=<unix>,v1=<hex>` where the
hex is HMAC-SHA256(secret, f"{t}.{body}"). The receiver recomputes it and checks `t` is
recent (replays of an old delivery fail)."""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance_s: int = 300) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    given = parts.get("v1", "")
    return abs(now - timestamp) <= tolerance_s and hmac.compare_digest(expected, given)
