"""Bounded decompression of request bodies: a gzip body is decoded chunk by chunk and never
grows past a limit, however well it compresses (a "zip bomb" stops at the limit, not in
memory). Every front door that accepts `Content-Encoding: gzip` uses this one decoder.
"""

from __future__ import annotations

import zlib

SUPPORTED_ENCODINGS = frozenset({"", "identity", "gzip", "x-gzip"})


class DecodedTooLarge(Exception):
    """The decoded body would pass the limit."""


class CorruptBody(Exception):
    """The body is not valid data in its declared encoding."""


class BoundedGunzip:
    """Feed compressed chunks in, get decoded bytes out, at most `limit` of them in all.

    Concatenated gzip members (what `cat a.gz b.gz` makes, and what some clients send) are
    decoded one after another, as `gzip -d` does.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.produced = 0
        self._decoder = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes) -> bytes:
        out: list[bytes] = []
        while data:
            self._started = True
            room = self.limit - self.produced
            try:
                # One byte over the room tells "exactly at the limit" from "over it".
                chunk = self._decoder.decompress(data, room + 1)
            except zlib.error as exc:
                raise CorruptBody(str(exc)) from None
            self.produced += len(chunk)
            if self.produced > self.limit:
                raise DecodedTooLarge
            out.append(chunk)
            if self._decoder.unconsumed_tail:
                data = self._decoder.unconsumed_tail
            elif self._decoder.eof:
                data = self._decoder.unused_data
                self._decoder = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
                self._started = bool(data)
            else:
                data = b""
        return b"".join(out)

    def finish(self) -> bytes:
        """Whatever the decoder still holds; raises CorruptBody on a truncated stream."""
        if not self._started:
            return b""
        if not self._decoder.eof:
            raise CorruptBody("the gzip stream ended early")
        return b""


def gunzip(data: bytes, limit: int) -> bytes:
    """A whole gzip body, decoded, at most `limit` bytes (DecodedTooLarge past it)."""
    decoder = BoundedGunzip(limit)
    return decoder.feed(data) + decoder.finish()
