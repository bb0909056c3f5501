"""InfluxDB line protocol: parse a write body into points, and points into the samples every
front door hands to the one ingest pipeline (`telemetry.service.ingest`).

    measurement[,tag=value...] field=value[,field=value...] [timestamp]

Escaping follows the specification (docs.influxdata.com, "Line protocol", "Special
characters"): in a measurement, `,` and space are escaped with `\\`; in tag keys, tag values
and field keys, `,`, `=` and space; in a string field value, `"` and `\\`. Two backslashes
are one backslash; a backslash before any other character is a literal backslash. Field
values: floats (`1`, `1.5`, `-2e3`), integers (`1i`, signed 64-bit), unsigned integers
(`1u`), booleans (`t`, `true`, `F`, `FALSE`, ...) and double-quoted strings (parsed, then
refused by Chiron, which stores numbers). Lines starting with `#` are comments. A string
value may hold a newline, so lines are split outside quotes only.

The parser is a fast path (a line with no backslash and no quote is split with `str`
methods) and an escape-aware scanner for the rest; `tests/telemetry/test_line_protocol.py`
checks both against a renderer with Hypothesis (render -> parse is the identity).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chiron.kit.schema import VALUE_BOUND
from chiron.telemetry.protocols.samples import Checker, Refused, Sample

FieldValue = float | int | bool | str

# Nanoseconds per unit of each precision InfluxDB accepts (v2: ns, us, ms, s; v1 also
# n, u, m, h).
PRECISIONS: dict[str, int] = {
    "ns": 1,
    "n": 1,
    "us": 1_000,
    "u": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
V2_PRECISIONS = ("ns", "us", "ms", "s")

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
UINT64_MAX = 2**64 - 1

_FLOAT = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"-?[0-9]+i")
_UNSIGNED = re.compile(r"[0-9]+u")
_TIMESTAMP = re.compile(r"-?[0-9]+")
_TRUE = frozenset({"t", "T", "true", "True", "TRUE"})
_FALSE = frozenset({"f", "F", "false", "False", "FALSE"})

# What a backslash escapes in each element (a backslash always escapes a backslash).
_MEASUREMENT_ESCAPES = frozenset(", \\")
_KEY_ESCAPES = frozenset(",= \\")
_STRING_ESCAPES = frozenset('"\\')


class LineError(ValueError):
    """A line that is not valid line protocol (or not storable); `line` counts from 1."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.reason = message


@dataclass(slots=True)
class Point:
    measurement: str
    tags: dict[str, str]
    fields: dict[str, FieldValue]
    timestamp: int | None  # in the write's precision, as sent
    line: int


# ---- splitting a body into lines -------------------------------------------------------


def _lines(body: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of each non-empty, non-comment line."""
    if '"' not in body:
        for number, text in enumerate(body.split("\n"), 1):
            text = text.strip(" \t\r")
            if text and text[0] != "#":
                yield number, text
        return
    yield from _quoted_lines(body)


_OUTSIDE = re.compile(r'[\\"\n \t=]')  # what matters outside a string value
_INSIDE = re.compile(r'[\\"\n]')  # and inside one


def _quoted_lines(body: str) -> Iterator[tuple[int, str]]:
    """Lines, where a newline inside a quoted string field value does not end its line.

    Quotes mean a string only in the field set, as the value of a field (right after its
    `=`); in a measurement or tag they are plain characters."""
    number = 1
    i, n = 0, len(body)
    while i < n:
        start, start_number = i, number
        section = 0  # 0: measurement and tags, 1: fields, 2: timestamp
        quoted = False
        after_eq = False  # the last character was an unescaped `=`
        gap = False  # the last character was an unescaped separator
        begun = False
        while i < n:
            # Jump over plain characters (each would only mark the line begun), so a long
            # value costs one search, not a Python step per character.
            found = (_INSIDE if quoted else _OUTSIDE).search(body, i)
            j = found.start() if found else n
            if j > i:
                begun, after_eq, gap, i = True, False, False, j
                if i >= n:
                    break
            c = body[i]
            if c == "\n" and not quoted:
                break
            if c == "\n":
                number += 1
            elif c == "\\":
                if body[i + 1 : i + 2] != "\n":
                    i += 1
                begun = True
                after_eq = gap = False
                i += 1
                continue
            elif c == '"':
                if quoted or (section == 1 and after_eq):
                    quoted = not quoted
                begun = True
            elif c in " \t" and not quoted:
                if begun and section < 2 and not gap:
                    section += 1
            else:
                begun = True
            after_eq = c == "=" and not quoted
            gap = c in " \t" and not quoted
            i += 1
        text = body[start:i].strip(" \t\r")
        if text and text[0] != "#":
            yield start_number, text
        i += 1
        number += 1


# ---- one line --------------------------------------------------------------------------


_UNESCAPERS: dict[frozenset[str], re.Pattern[str]] = {}


def _unescape(text: str, escapes: frozenset[str]) -> str:
    """A backslash before one of `escapes` (or a backslash) is that character; before any
    other character it is literal. Left to right, as the specification reads it."""
    if "\\" not in text:
        return text
    pattern = _UNESCAPERS.get(escapes)
    if pattern is None:
        chars = re.escape("".join(sorted(escapes)))
        pattern = _UNESCAPERS[escapes] = re.compile(f"\\\\([{chars}])")
    return pattern.sub(lambda m: m.group(1), text)


_SPLITTERS: dict[tuple[str, bool], re.Pattern[str]] = {}


def _split(text: str, sep: str, *, quotes: bool = False) -> list[str]:
    """Split on `sep` where it is not escaped (nor, with `quotes`, inside a string)."""
    if "\\" not in text and not (quotes and '"' in text):
        return text.split(sep)
    pattern = _SPLITTERS.get((sep, quotes))
    if pattern is None:
        chars = re.escape("\\" + sep + ('"=' if quotes else ""))
        pattern = _SPLITTERS[(sep, quotes)] = re.compile(f"[{chars}]")
    parts: list[str] = []
    start = 0
    i, n = 0, len(text)
    quoted = False
    after_eq = False
    while i < n:
        found = pattern.search(text, i)  # jump over characters that change nothing here
        if found is None:
            break
        if found.start() > i:
            after_eq, i = False, found.start()
        c = text[i]
        if c == "\\":
            i += 2
            after_eq = False
            continue
        if quotes and c == '"' and (quoted or after_eq):
            quoted = not quoted
        elif c == sep and not quoted:
            parts.append(text[start:i])
            start = i + 1
        after_eq = c == "=" and not quoted
        i += 1
    parts.append(text[start:])
    return parts


def _sections(text: str, number: int) -> tuple[str, str, str | None]:
    """Measurement-and-tags, fields, timestamp: separated by unescaped spaces (in the field
    set, spaces inside a quoted string value do not count)."""
    if "\\" not in text and '"' not in text:
        parts = text.split(" ") if "\t" not in text else text.replace("\t", " ").split(" ")
        if "" in parts:
            parts = [p for p in parts if p]
    else:
        parts = _scan_sections(text)
    if len(parts) == 2:
        return parts[0], parts[1], None
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) < 2:
        raise LineError(number, "missing fields")
    raise LineError(number, "too many sections (an unescaped space in a name or value?)")


_SECTION_CHARS = re.compile(r'[\\" \t=]')


def _scan_sections(text: str) -> list[str]:
    parts: list[str] = []
    i, n = 0, len(text)
    start = 0
    quoted = False
    after_eq = False
    while i < n:
        found = _SECTION_CHARS.search(text, i)
        if found is None:
            break
        if found.start() > i:
            after_eq, i = False, found.start()
        c = text[i]
        if c == "\\":
            i += 2
            after_eq = False
            continue
        if c == '"' and len(parts) == 1 and (quoted or after_eq):
            quoted = not quoted
        elif c in " \t" and not quoted:
            if i > start:
                parts.append(text[start:i])
            start = i + 1
        after_eq = c == "=" and not quoted
        i += 1
    if start < n:
        parts.append(text[start:])
    return parts


def _key_value(item: str, number: int, what: str) -> tuple[str, str]:
    parts = _split(item, "=", quotes=what == "field")
    if len(parts) < 2:
        raise LineError(number, f"{what} {item[:64]!r} has no '='")
    if what == "field" and len(parts) > 2:
        # `=` inside a quoted string value is not split above; anything else is an error.
        raise LineError(number, f"field {item[:64]!r} has an unescaped '='")
    key = parts[0]
    value = "=".join(parts[1:])
    if not key:
        raise LineError(number, f"{what} key is empty")
    if not value:
        raise LineError(number, f"{what} {_unescape(key, _KEY_ESCAPES)!r} has no value")
    return _unescape(key, _KEY_ESCAPES), value


def field_value(raw: str, number: int, key: str) -> FieldValue:
    if raw[0] == '"':
        if len(raw) < 2 or raw[-1] != '"' or (raw[-2] == "\\" and not _even_backslashes(raw)):
            raise LineError(number, f"field {key!r}: unterminated string")
        return _unescape(raw[1:-1], _STRING_ESCAPES)
    last = raw[-1]
    if last == "i" and _INTEGER.fullmatch(raw):
        value = int(raw[:-1])
        if not INT64_MIN <= value <= INT64_MAX:
            raise LineError(number, f"field {key!r}: integer out of the 64-bit range")
        return value
    if last == "u" and _UNSIGNED.fullmatch(raw):
        value = int(raw[:-1])
        if value > UINT64_MAX:
            raise LineError(number, f"field {key!r}: unsigned integer out of the 64-bit range")
        return value
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    if _FLOAT.fullmatch(raw):
        number_value = float(raw)
        if not math.isfinite(number_value):
            raise LineError(number, f"field {key!r}: {raw[:32]} is out of the float range")
        return number_value
    raise LineError(number, f"field {key!r}: invalid value {raw[:64]!r}")


def _even_backslashes(raw: str) -> bool:
    """Whether the closing quote of `raw` is unescaped (preceded by an even run of `\\`)."""
    run = 0
    for c in reversed(raw[1:-1]):
        if c != "\\":
            break
        run += 1
    return run % 2 == 0


# The longest line read: Chiron's names and tags fit many times over, and a bound keeps one
# line's scan short.
MAX_LINE_CHARS = 64 * 1024


def parse_line(text: str, number: int) -> Point:
    if len(text) > MAX_LINE_CHARS:
        raise LineError(number, f"line longer than {MAX_LINE_CHARS} characters")
    head, fields_text, ts_text = _sections(text, number)
    head_parts = _split(head, ",")
    measurement = _unescape(head_parts[0], _MEASUREMENT_ESCAPES)
    if not measurement:
        raise LineError(number, "missing measurement")
    tags: dict[str, str] = {}
    for item in head_parts[1:]:
        key, value = _key_value(item, number, "tag")
        tags[key] = _unescape(value, _KEY_ESCAPES)
    fields: dict[str, FieldValue] = {}
    for item in _split(fields_text, ",", quotes=True):
        key, raw = _key_value(item, number, "field")
        fields[key] = field_value(raw, number, key)
    timestamp = None
    if ts_text is not None:
        if not _TIMESTAMP.fullmatch(ts_text):
            raise LineError(number, f"invalid timestamp {ts_text[:32]!r}")
        timestamp = int(ts_text)
        if not INT64_MIN <= timestamp <= INT64_MAX:
            raise LineError(number, "timestamp out of the 64-bit range")
    return Point(measurement, tags, fields, timestamp, number)


def parse(body: str) -> list[Point]:
    """Every point of a write body; the first bad line raises `LineError`."""
    return [parse_line(text, number) for number, text in _lines(body)]


# ---- rendering (the inverse, for tests, benchmarks and docs) ---------------------------


def _escape(text: str, escapes: frozenset[str]) -> str:
    # Every escapable character gets its backslash; a backslash is doubled only where the
    # next character would otherwise read as an escape, or at the end.
    out: list[str] = []
    for c in text:
        if c == "\\":
            out.append("\\\\")
        elif c in escapes:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def render_value(value: FieldValue, *, unsigned: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value}{'u' if unsigned else 'i'}"
    if isinstance(value, float):
        return repr(value)
    return '"' + _escape(value, _STRING_ESCAPES) + '"'


def render(point: Point) -> str:
    head = _escape(point.measurement, _MEASUREMENT_ESCAPES)
    for key, value in point.tags.items():
        head += f",{_escape(key, _KEY_ESCAPES)}={_escape(value, _KEY_ESCAPES)}"
    fields = ",".join(
        f"{_escape(key, _KEY_ESCAPES)}={render_value(value)}" for key, value in point.fields.items()
    )
    line = f"{head} {fields}"
    return line if point.timestamp is None else f"{line} {point.timestamp}"


# ---- points -> samples -----------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NUMBER_START = frozenset("-.0123456789")
_NUMBER_END = frozenset(".0123456789")


class _Writer:
    """Samples of one write: metric `measurement.field`, the source from `source_tag`, the
    other tags as attrs, each distinct name and tag set checked once (`Checker`)."""

    def __init__(self, precision: str, source_tag: str) -> None:
        self.unit_ns = PRECISIONS[precision]
        self.source_tag = source_tag
        self.check = Checker()
        self.samples: list[Sample] = []
        self.heads: dict[str, tuple[str, str, dict[str, Any] | None]] = {}
        self.times: dict[str, datetime] = {}

    def _meta(
        self, measurement: str, tags: dict[str, str], line: int
    ) -> tuple[str, str, dict[str, Any] | None]:
        source = tags.get(self.source_tag)
        if source is None:
            raise LineError(line, f"missing the {self.source_tag!r} tag that names the source")
        attrs = {k: v for k, v in tags.items() if k != self.source_tag}
        try:
            return measurement + ".", self.check.source(source), self.check.attrs(attrs)
        except Refused as exc:
            raise LineError(line, str(exc)) from None

    def _time(self, stamp: str) -> datetime:
        ts = self.times.get(stamp)
        if ts is None:
            ts = self.times[stamp] = _time(int(stamp) * self.unit_ns)
        return ts

    def _emit(
        self,
        meta: tuple[str, str, dict[str, Any] | None],
        fields: list[tuple[str, float]],
        ts: datetime | None,
        line: int,
    ) -> None:
        prefix, source, attrs = meta
        metric_ok = self.check.metric
        append = self.samples.append
        for key, value in fields:
            metric = prefix + key
            try:
                metric_ok(metric)
            except Refused as exc:
                raise LineError(line, str(exc)) from None
            if not -VALUE_BOUND <= value <= VALUE_BOUND:
                raise LineError(line, f"field {key!r}: {value!r} is outside ±{VALUE_BOUND:g}")
            append(Sample(source, metric, value, None, ts, attrs))

    def point(self, point: Point) -> None:
        meta = self._meta(point.measurement, point.tags, point.line)
        ts = None if point.timestamp is None else self._time(str(point.timestamp))
        fields: list[tuple[str, float]] = []
        for key, value in point.fields.items():
            if isinstance(value, str):
                raise LineError(
                    point.line,
                    f"field {key!r} is a string; Chiron stores numbers (integer, float or "
                    "boolean fields): drop or convert string fields before writing",
                )
            fields.append((key, float(value)))
        self._emit(meta, fields, ts, point.line)

    def plain(self, text: str, number: int) -> bool:
        """A line with no escape and no quote, the common case, without the general
        scanner. False (nothing emitted) for anything unusual: the caller then parses the
        line with `parse_line`, whose answer (a point or the error) is the reference."""
        parts = text.split(" ")
        if len(parts) == 2:
            head, fields_text = parts
            stamp = None
        elif len(parts) == 3:
            head, fields_text, stamp = parts
        else:
            return False
        if not head or not fields_text or "\t" in text:
            return False
        meta = self.heads.get(head)
        if meta is None:
            measurement, *tag_items = head.split(",")
            tags: dict[str, str] = {}
            for item in tag_items:
                key, _, tag_value = item.partition("=")
                if not key or not tag_value:
                    return False
                tags[key] = tag_value
            if not measurement:
                return False
            meta = self.heads[head] = self._meta(measurement, tags, number)
        ts = None
        if stamp is not None:
            ts = self.times.get(stamp)
            if ts is None:
                digits = stamp[1:] if stamp[0] == "-" else stamp
                if not (digits.isascii() and digits.isdigit()):
                    return False
                if not INT64_MIN <= int(stamp) <= INT64_MAX:
                    return False
                ts = self._time(stamp)
        fields: list[tuple[str, float]] = []
        for item in fields_text.split(","):
            key, _, raw = item.partition("=")
            if not key or not raw or "=" in raw:
                return False
            if (
                raw[0] in _NUMBER_START
                and raw[-1] in _NUMBER_END
                and raw.isascii()
                and "_" not in raw
            ):
                try:
                    value = float(raw)
                except ValueError:
                    return False
                if not math.isfinite(value):
                    return False
            elif raw in _TRUE:
                value = 1.0
            elif raw in _FALSE:
                value = 0.0
            elif raw[-1] in "iu":
                try:
                    parsed = field_value(raw, number, key)
                except LineError:
                    return False
                value = float(parsed)
            else:
                return False
            fields.append((key, value))
        if len(fields) > 1 and len({key for key, _ in fields}) != len(fields):
            return False  # a repeated field: the last one wins, as the general parser does
        self._emit(meta, fields, ts, number)
        return True


def to_samples(points: list[Point], *, precision: str, source_tag: str) -> list[Sample]:
    """The samples of parsed points (strings refused, naming the line and the field)."""
    writer = _Writer(precision, source_tag)
    for point in points:
        writer.point(point)
    return writer.samples


def _time(ns: int) -> datetime:
    """UTC time of a nanosecond timestamp, to the microsecond (what the store keeps). One
    past what a datetime holds is its end: the ingest service refuses it as out of window."""
    try:
        return _EPOCH + timedelta(microseconds=ns // 1_000)
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC) if ns > 0 else datetime.min.replace(tzinfo=UTC)


# One write's samples at most: an InfluxDB client's batch (Telegraf: 1,000 metrics of a few
# fields each) fits many times over; more is one transaction too large to hold the store's
# writer for, so it is refused as too large (InfluxDB's 413) and the client splits it.
MAX_SAMPLES = 50_000


class TooManySamples(ValueError):
    pass


def write_batch(
    body: bytes, *, precision: str, source_tag: str, max_samples: int = MAX_SAMPLES
) -> list[Sample]:
    """A write body as the samples the ingest pipeline takes: all of them, or `LineError`
    naming the first bad line (nothing of a bad write is stored), or `TooManySamples`."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LineError(body.count(b"\n", 0, exc.start) + 1, "not valid UTF-8") from None
    writer = _Writer(precision, source_tag)
    samples = writer.samples
    if '"' not in text and "\\" not in text:
        for number, raw in enumerate(text.split("\n"), 1):
            text_line = raw.strip(" \t\r")
            if not text_line or text_line[0] == "#":
                continue
            if len(text_line) > MAX_LINE_CHARS or not writer.plain(text_line, number):
                writer.point(parse_line(text_line, number))
            if len(samples) > max_samples:
                raise TooManySamples(f"more than {max_samples} samples in one write")
    else:
        for number, text_line in _quoted_lines(text):
            writer.point(parse_line(text_line, number))
            if len(samples) > max_samples:
                raise TooManySamples(f"more than {max_samples} samples in one write")
    if not samples:
        raise LineError(1, "writing requires points")
    return samples
