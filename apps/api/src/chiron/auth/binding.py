"""Source-bound device keys: a key bound to shell-style patterns (`rover-7`, `relay-*`)
writes samples and timeline events for matching sources only. A batch with any other
source is refused whole, naming the offenders (403 `source_not_allowed`).

Matching is `fnmatch.fnmatchcase`: `*`, `?` and `[...]`, case-sensitive (source ids are),
the same on every platform.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase

from chiron.errors import Forbidden, InvalidInput

MAX_PATTERNS = 64
# A source id's characters plus the pattern ones.
_PATTERN = re.compile(r"^[A-Za-z0-9._:/*?\[\]!-]{1,128}$")
_SHOWN = 20


class SourceNotAllowed(Forbidden):
    def __init__(self, refused: Sequence[str | None], allowed: Sequence[str]) -> None:
        named = [s for s in refused if s is not None]
        message = (
            f"This key may write only sources matching {', '.join(allowed)}; "
            + (f"refused: {', '.join(named[:_SHOWN])}" if named else "name a source")
            + "; nothing was stored"
        )
        super().__init__(
            message,
            code="source_not_allowed",
            details={"sources": list(refused[:_SHOWN]), "allowed": list(allowed)},
        )


def normalize_patterns(patterns: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in patterns:
        pattern = raw.strip()
        if not _PATTERN.match(pattern):
            raise InvalidInput(
                f"Not a source pattern: {raw!r} (a source id, with * ? [...] allowed)"
            )
        if pattern not in out:
            out.append(pattern)
    if not out:
        raise InvalidInput("A source-bound key needs at least one --source pattern")
    if len(out) > MAX_PATTERNS:
        raise InvalidInput(f"At most {MAX_PATTERNS} source patterns per key")
    return out


def matches(patterns: Sequence[str], source: str) -> bool:
    return any(fnmatchcase(source, p) for p in patterns)


def check(allowed: Sequence[str] | None, sources: Iterable[str | None]) -> None:
    """Refuse unless every source matches one of `allowed` (None: an unbound key, anything
    goes). A missing source (None) never matches a bound key."""
    if allowed is None:
        return
    refused: list[str | None] = []
    for source in sorted(set(sources), key=lambda s: (s is not None, s or "")):
        if source is None or not matches(allowed, source):
            refused.append(source)
    if refused:
        raise SourceNotAllowed(refused, allowed)
