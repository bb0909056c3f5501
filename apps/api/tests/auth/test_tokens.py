"""Service tokens: signed, expiring, rotating, and verified without a database."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from chiron.auth import tokens
from chiron.config import Settings

SETTINGS = Settings(secret_key="s" * 40, service_token_ttl_s=900, _env_file=None)  # type: ignore[call-arg]


def _payload(token: str) -> dict[str, object]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # type: ignore[no-any-return]


def test_round_trip_carries_subject_scopes_times_and_kid() -> None:
    token, issued = tokens.issue(SETTINGS, "user_1", ["read", "ingest"], name="Ada")
    assert token.startswith("v1.")
    claims = _payload(token)
    assert set(claims) >= {"sub", "scp", "iat", "exp", "kid"}
    verified = tokens.verify(SETTINGS, token)
    assert verified == issued
    assert verified.subject == "user_1"
    assert verified.scopes == ("ingest", "read")
    assert verified.name == "Ada"
    assert verified.expires_at - verified.issued_at == timedelta(seconds=900)


def test_tampered_payload_is_refused() -> None:
    token, _ = tokens.issue(SETTINGS, "user_1", ["read"])
    version, _, signature = token.split(".")
    claims = _payload(token)
    claims["scp"] = ["admin"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(tokens.TokenInvalid):
        tokens.verify(SETTINGS, f"{version}.{forged}.{signature}")


def test_other_secret_is_refused() -> None:
    token, _ = tokens.issue(Settings(secret_key="x" * 40, _env_file=None), "u", ["read"])  # type: ignore[call-arg]
    with pytest.raises(tokens.TokenInvalid):
        tokens.verify(SETTINGS, token)


def test_expired_is_refused() -> None:
    token, _ = tokens.issue(SETTINGS, "u", ["read"], ttl=timedelta(seconds=-60))
    with pytest.raises(tokens.TokenExpired):
        tokens.verify(SETTINGS, token)


def test_previous_secret_verifies_during_rotation() -> None:
    old_token, _ = tokens.issue(SETTINGS, "u", ["read"])
    rotated = Settings(
        secret_key="r" * 40,
        secret_key_previous=SETTINGS.secret_key,
        _env_file=None,  # type: ignore[call-arg]
    )
    assert tokens.verify(rotated, old_token).subject == "u"
    new_token, new = tokens.issue(rotated, "u", ["read"])
    assert new.kid != tokens.verify(rotated, old_token).kid
    with pytest.raises(tokens.TokenInvalid):
        tokens.verify(SETTINGS, new_token)
    after = Settings(secret_key="r" * 40, _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(tokens.TokenInvalid):
        tokens.verify(after, old_token)


@pytest.mark.parametrize("text", ["", "v1.", "v1.abc.def", "v2.aaaaaaaaaaaaaaaaaaaa.bbb", "a.b.c"])
def test_malformed_is_refused(text: str) -> None:
    with pytest.raises(tokens.TokenInvalid):
        tokens.verify(SETTINGS, text)
