"""A credential in a URL never leaves in a span or a log line (issue 17): the request is
refused, but its URL is recorded by the server span (`http.url`, `url.full`, `url.query`,
`http.target`) and by access logs, so both are scrubbed before anything exports them."""

from __future__ import annotations

import httpx
import pytest

from chiron.observability.scrub import REDACTED, scrub_attributes, scrub_secrets, scrub_text
from tests.fixtures.auth import MakeToken
from tests.observability.conftest import Capture


@pytest.mark.parametrize(
    "query",
    ["token={secret}", "access_token={secret}", "api_key={secret}&x=1", "x=1&AUTH={secret}"],
)
async def test_a_token_in_the_query_string_is_not_in_any_span(
    client: httpx.AsyncClient, make_token: MakeToken, captured: Capture, query: str
) -> None:
    secret = await make_token(["read"])
    captured.clear()
    url = "/api/v1/dashboard/summary?" + query.format(secret=secret)
    response = await client.get(url)
    assert response.status_code in (401, 422)  # refused: tokens travel in headers only
    spans = list(captured.spans)
    assert spans
    recorded = repr([(s.name, dict(s.attributes or {}), s.events) for s in spans])
    assert secret not in recorded
    assert secret.split("_")[2] not in recorded  # not even the secret part
    assert REDACTED in recorded  # the URL is still there, without the credential


def test_urls_in_log_lines_lose_their_credentials() -> None:
    line = '127.0.0.1:5000 - "GET /api/v1/dashboard/stream?access_token=abc123XYZ&x=1 HTTP/1.1"'
    assert scrub_text(line) == (
        f'127.0.0.1:5000 - "GET /api/v1/dashboard/stream?access_token={REDACTED}&x=1 HTTP/1.1"'
    )
    out = scrub_secrets(None, "info", {"event": "request", "url": "/x?password=hunter2"})
    assert "hunter2" not in repr(out)
    # Names that merely contain a credential word are left alone.
    assert scrub_text("/x?monkey=1&tokens=2") == "/x?monkey=1&tokens=2"


def test_span_attributes_are_scrubbed_by_value_and_by_name() -> None:
    clean = scrub_attributes(
        {
            "url.query": "token=abc.def",
            "http.target": "/s?api_key=k1",
            "http.request.header.authorization": ("Bearer x",),
            "http.status_code": 401,
        }
    )
    assert clean == {
        "url.query": f"token={REDACTED}",
        "http.target": f"/s?api_key={REDACTED}",
        "http.request.header.authorization": REDACTED,
        "http.status_code": 401,
    }
    assert scrub_attributes({"http.route": "/api/v1/gates", "n": 1}) is None  # no copy
