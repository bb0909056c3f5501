"""Service tokens: HS256 JWTs (PyJWT), expiring, rotating, and verified without a database."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from chiron.auth import tokens
from chiron.config import Settings

SETTINGS = Settings(secret_key="s" * 40, service_token_ttl_s=900, _env_file=None)  # type: ignore[call-arg]


def _payload(token: str) -> dict[str, object]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # type: ignore[no-any-return]


def test_round_trip_carries_subject_scopes_times_and_kid() -> None:
    auth_time = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    token, issued = tokens.issue(
        SETTINGS, "user_1", ["read", "ingest"], name="Ada", auth_time=auth_time
    )
    claims = _payload(token)
    assert set(claims) == {"sub", "scp", "iat", "exp", "name", "auth_time"}
    verified = tokens.verify(SETTINGS, token)
    assert verified.auth_time == auth_time
    assert verified == issued
    assert verified.subject == "user_1"
    assert verified.scopes == ("ingest", "read")
    assert verified.name == "Ada"
    assert verified.expires_at - verified.issued_at == timedelta(seconds=900)


def test_it_is_a_standard_hs256_jwt() -> None:
    """Any JWT library can check it with the derived key: no home-made format."""
    token, issued = tokens.issue(SETTINGS, "user_1", ["read"])
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "HS256", "typ": "JWT", "kid": issued.kid}
    key = tokens.signing_key(SETTINGS.secret_key)
    claims = jwt.decode(token, key, algorithms=["HS256"])
    assert claims["sub"] == "user_1"
    assert claims["scp"] == ["read"]
    assert claims["exp"] == int(issued.expires_at.timestamp())


def test_tampered_payload_is_refused() -> None:
    token, _ = tokens.issue(SETTINGS, "user_1", ["read"])
    header, _, signature = token.split(".")
    claims = _payload(token)
    claims["scp"] = ["admin"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(tokens.TokenInvalid):
        tokens.verify(SETTINGS, f"{header}.{forged}.{signature}")


def test_other_algorithms_are_refused() -> None:
    """`alg: none` and HS512 (even under a key that starts with the right one) are not
    service tokens."""
    _, issued = tokens.issue(SETTINGS, "user_1", ["read"])
    claims = issued.claims()
    key = tokens.signing_key(SETTINGS.secret_key)
    for forged in (
        jwt.encode(claims, None, algorithm="none", headers={"kid": issued.kid}),
        jwt.encode(claims, key + key, algorithm="HS512", headers={"kid": issued.kid}),
    ):
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify(SETTINGS, forged)


def test_missing_claims_are_refused() -> None:
    _, issued = tokens.issue(SETTINGS, "user_1", ["read"])
    key = tokens.signing_key(SETTINGS.secret_key)
    for claim in ("sub", "scp", "exp"):
        claims = {k: v for k, v in issued.claims().items() if k != claim}
        forged = jwt.encode(claims, key, algorithm="HS256", headers={"kid": issued.kid})
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify(SETTINGS, forged)


def test_expiry_allows_the_clock_skew_only() -> None:
    within, _ = tokens.issue(SETTINGS, "u", ["read"], ttl=timedelta(seconds=-2))
    assert tokens.verify(SETTINGS, within).subject == "u"
    past, _ = tokens.issue(SETTINGS, "u", ["read"], ttl=timedelta(seconds=-30))
    with pytest.raises(tokens.TokenExpired):
        tokens.verify(SETTINGS, past)


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


@pytest.mark.parametrize(
    "text", ["", "v1.", "eyJ", "eyJabc.def.ghi", "eyJ" + "a" * 5000, "a.b.c", "eyJ.e30."]
)
def test_malformed_is_refused(text: str) -> None:
    with pytest.raises(tokens.TokenInvalid):
        tokens.verify(SETTINGS, text)


def test_a_remembered_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    """Verification is remembered per token, the expiry check is not."""
    token, issued = tokens.issue(SETTINGS, "u", ["read"], ttl=timedelta(minutes=1))
    assert tokens.verify(SETTINGS, token) == issued
    later = issued.expires_at + timedelta(seconds=tokens.CLOCK_SKEW_S + 1)
    monkeypatch.setattr(tokens, "utcnow", lambda: later)
    with pytest.raises(tokens.TokenExpired):
        tokens.verify(SETTINGS, token)
