"""No credential reaches a log line: the scrubbing processor, alone and in a real request."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import httpx
import pytest
import structlog
from fastapi import APIRouter, FastAPI, Request

from chiron.auth import keys, tokens
from chiron.auth.deps import ReadPrincipal
from chiron.config import Settings
from chiron.observability.scrub import REDACTED, scrub_secrets
from tests.fixtures.auth import MakeToken

KEY = keys.format_key("AbCdEf123456", "S" * 30)
SECRET = "S" * 30


def scrub(**event: object) -> dict[str, object]:
    return scrub_secrets(None, "info", dict(event))


def test_credential_keys_are_replaced_wholesale() -> None:
    out = scrub(
        event="request",
        authorization=f"Bearer {KEY}",
        headers={"Authorization": "Bearer x", "Cookie": "chiron_session=abc", "Accept": "*/*"},
        raw=[(b"authorization", b"Bearer y"), (b"accept", b"*/*")],
    )
    assert out["authorization"] == REDACTED
    assert out["headers"] == {"Authorization": REDACTED, "Cookie": REDACTED, "Accept": "*/*"}
    assert out["raw"] == [(b"authorization", REDACTED), (b"accept", b"*/*")]


def test_credentials_inside_text_are_masked(settings: Settings) -> None:
    token, _ = tokens.issue(settings, "user_1", ["read"])
    jwt_text = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl"
    out = scrub(
        event=f"key {KEY} failed",
        detail=f"service token {token}; assertion {jwt_text}",
        nested={"list": [f"Bearer {KEY}", ("cookie chiron_session=" + token,)]},
        header_line=f"Cookie: chiron_session={token}; theme=dark",
    )
    rendered = repr(out)
    for secret in (SECRET, KEY, token, jwt_text):
        assert secret not in rendered
    assert "chiron_AbCdEf123456_" in str(out["event"])  # the public key id stays, for debugging
    assert "theme=dark" in str(out["header_line"])


def test_exception_text_is_scrubbed_too() -> None:
    try:
        raise ValueError(f"could not parse {KEY}")
    except ValueError:
        import sys

        out = scrub(event="boom", exc_info=sys.exc_info())
    assert SECRET not in str(out)
    assert "could not parse chiron_AbCdEf123456_" in str(out["exception"])


def test_plain_events_pass_through() -> None:
    event = {"event": "ingested", "count": 3, "source": "rover-1", "ratio": 0.5}
    assert scrub(**event) == event


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Everything the configured pipeline renders, as the deployed handler would see it."""
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(root.handlers[0].formatter)
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


async def test_a_request_with_a_key_logs_no_secret(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_token: MakeToken,
    settings: Settings,
    captured_logs: io.StringIO,
) -> None:
    noisy = APIRouter()
    log = structlog.get_logger("chiron.test.noisy")

    @noisy.get("/_probe/noisy")
    async def noisy_route(request: Request, principal: ReadPrincipal) -> dict[str, str]:
        # The worst a careless handler could do: log every header and the raw credential.
        presented = request.headers.get("authorization", "")
        log.info("noisy", headers=dict(request.headers), presented=presented, who=principal.key_id)
        log.warning(f"credential was {presented}")
        logging.getLogger("chiron.test.stdlib").warning("stdlib saw %s", presented)
        return {"ok": "yes"}

    app.include_router(noisy)
    token = await make_token(["read"])
    session, _ = tokens.issue(settings, "user_1", ["read"])
    requests = [
        ("/_probe/noisy", {"Authorization": f"Bearer {token}"}, 200),
        ("/_probe/noisy", {"Cookie": f"chiron_session={session}"}, 200),
        ("/_probe/read", {"Authorization": f"Bearer {token}x"}, 401),
    ]
    for path, headers, status in requests:
        assert (await client.get(path, headers=headers)).status_code == status

    output = captured_logs.getvalue()
    assert "noisy" in output
    assert "stdlib saw" in output
    assert REDACTED in output
    for secret in (token, keys.parse_key(token).secret, session, session.split(".")[2]):
        assert secret not in output
