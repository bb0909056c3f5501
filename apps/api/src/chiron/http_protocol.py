"""uvicorn's HTTP protocols with the JSON error shape on the one answer they make themselves.

A request uvicorn cannot parse (a bad Content-Length, a malformed request line or header)
never reaches the app: uvicorn answers 400 in plain text and closes. These subclasses answer
the same 400 as `{"error": {...}}`. Still plain: nothing, since every other answer comes
from the app (see docs/reliability.md).
"""

from __future__ import annotations

import uuid

import orjson
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def json_400(msg: str, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """A complete `400` response as bytes; a fresh request id, since there was no request."""
    request_id = uuid.uuid4().hex
    body = orjson.dumps(
        {"error": {"code": "bad_request", "message": msg, "request_id": request_id}}
    )
    head = [b"HTTP/1.1 400 Bad Request\r\n"]
    head += [name + b": " + value + b"\r\n" for name, value in default_headers]
    head += [
        b"content-type: application/json\r\n",
        b"content-length: " + str(len(body)).encode() + b"\r\n",
        b"x-request-id: " + request_id.encode() + b"\r\n",
        b"connection: close\r\n\r\n",
    ]
    return b"".join(head) + body


class JsonErrorHttpToolsProtocol(HttpToolsProtocol):
    def send_400_response(self, msg: str) -> None:
        self.transport.write(json_400(msg, self.server_state.default_headers))
        self.transport.close()


class JsonErrorH11Protocol(H11Protocol):
    def send_400_response(self, msg: str) -> None:
        # The h11 state machine is in error by now: write the bytes ourselves, then close.
        self.transport.write(json_400(msg, self.server_state.default_headers))
        self.transport.close()


def protocol_for(http: str = "auto") -> type[HttpToolsProtocol] | type[H11Protocol]:
    """uvicorn's `http=` choice, with the JSON 400 (`auto`: httptools when installed)."""
    if http == "h11":
        return JsonErrorH11Protocol
    try:
        import httptools  # noqa: F401
    except ImportError:
        return JsonErrorH11Protocol
    return JsonErrorHttpToolsProtocol
