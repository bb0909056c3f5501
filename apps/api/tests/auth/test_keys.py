"""The API key format and its hashing, without a database."""

from __future__ import annotations

import string

import pytest

from chiron.auth import keys
from chiron.config import Settings

SETTINGS = Settings(secret_key="k" * 40, _env_file=None)  # type: ignore[call-arg]


def test_format_is_prefix_keyid_secret_checksum() -> None:
    key_id, secret = keys.generate_key_id(), keys.generate_secret()
    token = keys.format_key(key_id, secret)
    prefix, found_id, tail = token.split("_")
    assert prefix == "chiron"
    assert found_id == key_id
    assert tail[: -keys.CHECKSUM_LENGTH] == secret
    assert set(key_id + tail) <= set(string.ascii_letters + string.digits)
    assert keys.parse_key(token) == keys.ParsedKey(key_id, secret)


def test_secret_has_at_least_128_bits() -> None:
    import math

    assert keys.SECRET_LENGTH * math.log2(62) >= 128
    assert len({keys.generate_secret() for _ in range(200)}) == 200


def test_checksum_is_crc32_in_fixed_width_base62() -> None:
    import zlib

    body = "chiron_abcdefgh_" + "x" * 30
    assert keys.checksum(body) == keys.base62_encode(zlib.crc32(body.encode()), 6)
    assert len(keys.checksum("")) == 6


def test_every_single_character_typo_is_caught() -> None:
    token = keys.format_key(keys.generate_key_id(), keys.generate_secret())
    start = len("chiron_")
    for i in range(start, len(token)):
        if token[i] == "_":
            continue
        for replacement in "0aZ":
            if replacement == token[i]:
                continue
            typo = token[:i] + replacement + token[i + 1 :]
            with pytest.raises(keys.BadChecksum):
                keys.parse_key(typo)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "chiron_",
        "chiron_abc",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "chiron_abcdefgh_short",
        "chiron_abc-defgh_" + "a" * 40,
        "chiron_abcdefgh_" + "a" * 30 + "_x",
        "Chiron_abcdefgh_" + "a" * 40,
    ],
)
def test_malformed_keys(text: str) -> None:
    with pytest.raises(keys.MalformedKey):
        keys.parse_key(text)


def test_truncated_key_is_refused() -> None:
    token = keys.format_key(keys.generate_key_id(), keys.generate_secret())
    with pytest.raises((keys.BadChecksum, keys.MalformedKey)):
        keys.parse_key(token[:-1])


def test_digest_is_peppered_hmac_not_the_secret() -> None:
    secret = keys.generate_secret()
    digest, version = keys.current_hash(SETTINGS, secret)
    assert secret not in digest
    assert len(digest) == 64
    assert version == SETTINGS.pepper_version
    other = Settings(secret_key="q" * 40, _env_file=None)  # type: ignore[call-arg]
    assert keys.current_hash(other, secret)[0] != digest


def test_previous_pepper_still_verifies_after_rotation() -> None:
    secret = keys.generate_secret()
    old_digest, _ = keys.current_hash(SETTINGS, secret)
    rotated = Settings(
        secret_key="n" * 40,
        secret_key_previous=SETTINGS.secret_key,
        pepper_version=2,
        _env_file=None,  # type: ignore[call-arg]
    )
    assert keys.verify_secret(rotated, secret, old_digest) == "previous"
    assert keys.verify_secret(rotated, secret, keys.current_hash(rotated, secret)[0]) == "current"
    assert keys.verify_secret(rotated, keys.generate_secret(), old_digest) is None
    dropped = Settings(secret_key="n" * 40, _env_file=None)  # type: ignore[call-arg]
    assert keys.verify_secret(dropped, secret, old_digest) is None
