"""The line-protocol parser against the specification's escaping rules: render -> parse is
the identity for any names, tag values and string values (Hypothesis), and the examples of
the specification ("Special characters") read as it says."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from chiron.telemetry.protocols.line import (
    LineError,
    Point,
    _lines,
    parse,
    parse_line,
    render,
    to_samples,
    write_batch,
)

# Any printable text, with the characters that matter over-represented. Newlines and tabs are
# not allowed in names or tag values by the specification; string values may hold them.
_special = st.sampled_from([",", "=", " ", "\\", '"', "#", "\\\\", "\\ ", "é", "i", "u"])
_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\n\r\t")
_text = st.lists(st.one_of(_special, _chars), min_size=1, max_size=12).map("".join)
_string_value = st.lists(
    st.one_of(_special, _chars, st.sampled_from(["\n", "\t"])), max_size=12
).map("".join)
_names = _text.filter(lambda s: not s.startswith("#") and s.strip(" ") == s)
_field_value = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    _string_value,
)


@st.composite
def points(draw: st.DrawFn) -> Point:
    return Point(
        measurement=draw(_names),
        tags=draw(st.dictionaries(_text, _text, max_size=4)),
        fields=draw(st.dictionaries(_text, _field_value, min_size=1, max_size=4)),
        timestamp=draw(st.none() | st.integers(min_value=-(2**63), max_value=2**63 - 1)),
        line=1,
    )


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.copysign(1, a) == math.copysign(1, b) and a == b == 0)
    return type(a) is type(b) and a == b


@settings(max_examples=300, deadline=None)
@given(st.lists(points(), min_size=1, max_size=5))
def test_render_then_parse_is_the_identity(written: list[Point]) -> None:
    body = "\n".join(render(p) for p in written)
    read = parse(body)
    assert len(read) == len(written)
    for got, want in zip(read, written, strict=True):
        assert got.measurement == want.measurement
        assert got.tags == want.tags
        assert got.timestamp == want.timestamp
        assert list(got.fields) == list(want.fields)
        for key, value in want.fields.items():
            assert _same(got.fields[key], value), (key, got.fields[key], value)


@pytest.mark.parametrize(
    ("line", "measurement", "tags", "fields"),
    [
        # The specification's examples ("Special characters", "Escaping backslashes").
        (
            r"my\ measurement,tag\ key=tag\ value f=1",
            "my measurement",
            {"tag key": "tag value"},
            {"f": 1.0},
        ),
        (r"my\,measurement f=1", "my,measurement", {}, {"f": 1.0}),
        (r"m,tag\=key=tag\,value f=1", "m", {"tag=key": "tag,value"}, {"f": 1.0}),
        (r"m field\ key=1i", "m", {}, {"field key": 1}),
        ('m s="too hot"', "m", {}, {"s": "too hot"}),
        (r'm s="a \"quoted\" word"', "m", {}, {"s": 'a "quoted" word'}),
        (r'm s="back\\slash"', "m", {}, {"s": "back\\slash"}),
        (r"m,t=\  f=1", "m", {"t": " "}, {"f": 1.0}),
        (r"m,t=\\ f=1", "m", {"t": "\\"}, {"f": 1.0}),
        (r"m,t=\\\  f=1", "m", {"t": "\\ "}, {"f": 1.0}),
        (r"m,t=a\b f=1", "m", {"t": "a\\b"}, {"f": 1.0}),
        (r"m\=x f=1", "m\\=x", {}, {"f": 1.0}),
        (
            "m a=1,b=-2.5e3,c=3u,d=t,e=FALSE,g=.5",
            "m",
            {},
            {"a": 1.0, "b": -2500.0, "c": 3, "d": True, "e": False, "g": 0.5},
        ),
        ("m big=9223372036854775807i", "m", {}, {"big": 2**63 - 1}),
        ('m s="line one\nline two"', "m", {}, {"s": "line one\nline two"}),
        # Quotes in a measurement or tag are plain characters, even right before a space.
        ('" s="x\ny"', '"', {}, {"s": "x\ny"}),
        ('m,t=" s="x\ny"', "m", {"t": '"'}, {"s": "x\ny"}),
    ],
)
def test_the_specification_examples(
    line: str, measurement: str, tags: dict[str, str], fields: dict[str, object]
) -> None:
    (point,) = parse(line)
    assert point.measurement == measurement
    assert point.tags == tags
    assert point.fields == fields
    for key, value in fields.items():
        assert type(point.fields[key]) is type(value)


def test_comments_blank_lines_and_crlf_are_skipped_and_lines_counted() -> None:
    body = "# a comment\r\n\r\ncpu,host=a v=1 10\r\n  \ncpu,host=b v=2 20\n"
    read = parse(body)
    assert [(p.tags["host"], p.timestamp, p.line) for p in read] == [("a", 10, 3), ("b", 20, 5)]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("cpu", "missing fields"),
        ("cpu,host=a", "missing fields"),
        ("cpu v=", "has no value"),
        ("cpu =1", "key is empty"),
        ("cpu,host v=1", "has no '='"),
        ("cpu,host= v=1", "has no value"),
        ("cpu v=1 abc", "invalid timestamp"),
        ("cpu v=1 1 2", "too many sections"),
        ("cpu v=1.2.3", "invalid value"),
        ("cpu v=9223372036854775808i", "64-bit range"),
        ("cpu v=18446744073709551616u", "64-bit range"),
        ("cpu v=-1u", "invalid value"),
        ("cpu v=NaN", "invalid value"),
        ("cpu v=1e999", "float range"),
        ('cpu s="open', "unterminated string"),
        (",host=a v=1", "missing measurement"),
        ("cpu v=1 99999999999999999999", "64-bit range"),
    ],
)
def test_malformed_lines_are_refused_with_the_reason(body: str, reason: str) -> None:
    with pytest.raises(LineError) as caught:
        parse("ok v=1\n" + body)
    assert caught.value.line == 2
    assert reason in caught.value.reason


def test_multiple_fields_become_series_named_measurement_dot_field() -> None:
    points_ = parse("env,host=rover-1,site=moon temp=21.5,ok=t,count=3i 1700000000")
    samples = to_samples(points_, precision="s", source_tag="host")
    assert [(s.source, s.metric, s.value) for s in samples] == [
        ("rover-1", "env.temp", 21.5),
        ("rover-1", "env.ok", 1.0),
        ("rover-1", "env.count", 3.0),
    ]
    assert all(s.attrs == {"site": "moon"} for s in samples)
    assert samples[0].ts is not None
    assert samples[0].ts.isoformat() == "2023-11-14T22:13:20+00:00"


@pytest.mark.parametrize(
    ("precision", "stamp"),
    [
        ("ns", 1700000000123456789),
        ("us", 1700000000123456),
        ("ms", 1700000000123),
        ("s", 1700000000),
    ],
)
def test_precision_scales_the_timestamp(precision: str, stamp: int) -> None:
    (sample,) = to_samples(parse(f"m,host=a v=1 {stamp}"), precision=precision, source_tag="host")
    expected = {"ns": ".123456", "us": ".123456", "ms": ".123000", "s": ""}[precision]
    assert sample.ts is not None
    assert sample.ts.isoformat() == f"2023-11-14T22:13:20{expected}+00:00"


def test_string_fields_are_refused_naming_the_line_and_field() -> None:
    with pytest.raises(LineError) as caught:
        to_samples(parse('m,host=a v=1\nm,host=a state="ok"'), precision="ns", source_tag="host")
    assert caught.value.line == 2
    assert "'state' is a string" in caught.value.reason


# The fast path (plain lines, no escape and no quote) against the general parser: the same
# samples, or the same refusal, for any line made of the characters that matter.
_plain_piece = st.sampled_from(
    [
        "m",
        "cpu",
        "host",
        "h-1",
        "x",
        ",",
        "=",
        " ",
        "  ",
        "\t",
        "1",
        "-",
        ".",
        "e",
        "5",
        "i",
        "u",
        "t",
        "true",
        "F",
        "_",
        "#",
        "9223372036854775808",
        "1e400",
        "٣",
        "\x0c",
        "+",
    ]
)
_loose_lines = st.lists(_plain_piece, min_size=1, max_size=14).map("".join)


def _joined(pieces: list[str], *, min_size: int = 1, max_size: int = 5) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), min_size=min_size, max_size=max_size).map("".join)


_value_pieces = [
    "1",
    "-",
    ".",
    "e",
    "5",
    "i",
    "u",
    "t",
    "true",
    "F",
    "_",
    "+",
    "٣",
    "\x0c",
    "9223372036854775808",
    "18446744073709551616",
    "1e400",
    "=",
    "E",
    "0x",
]
# Lines shaped like real ones (a host tag, fields, maybe a time) with odd pieces inside, so
# the fast path's every branch is reached with values that are and are not valid.
_shaped_lines = st.builds(
    lambda name, tags, fields, stamp: f"{name},host=h{tags} {fields}{stamp}",
    _joined(["m", "cpu", "_", "1", "-", "x"]),
    st.lists(
        st.tuples(_joined(["k", "=", "_", "1"]), _joined(["v", "=", "-", "1", ","])),
        max_size=2,
    ).map(lambda pairs: "".join(f",{k}={v}" for k, v in pairs)),
    st.lists(
        st.tuples(_joined(["a", "b", "_", "1", "="]), _joined(_value_pieces, max_size=4)),
        min_size=1,
        max_size=3,
    ).map(lambda pairs: ",".join(f"{k}={v}" for k, v in pairs)),
    st.one_of(
        st.just(""),
        _joined(["1", "-", "0", "٣", "+", "_", "9223372036854775808"]).map(
            lambda stamp: " " + stamp
        ),
    ),
)
_plain_lines = st.one_of(_loose_lines, _shaped_lines)


def _outcome(body: str, *, general: bool) -> object:
    try:
        if general:  # line by line, as a write is read: the first bad line is the answer
            return [
                tuple(s)
                for number, text in _lines(body)
                for s in to_samples([parse_line(text, number)], precision="ns", source_tag="host")
            ]
        return [tuple(s) for s in write_batch(body.encode(), precision="ns", source_tag="host")]
    except LineError as exc:
        return ("refused", exc.line)


@settings(max_examples=800, deadline=None)
@given(st.lists(_plain_lines, min_size=1, max_size=4).map("\n".join))
# What Python's float() and int() accept and line protocol does not.
@example("m,host=h v=1_1")
@example("m,host=h v=+1")
@example("m,host=h v=٣")
@example("m,host=h v=\x0c1")
@example("m,host=h v=1 1_0")
@example("m,host=h v=1 +5")
@example("m,host=h v=1 ٣")
@example("m,host=h v=1,v=2")
def test_the_fast_path_agrees_with_the_general_parser(body: str) -> None:
    general = _outcome(body, general=True)
    if general == []:
        general = ("refused", 1)  # a write of no points is refused
    assert _outcome(body, general=False) == general


_noise = st.one_of(
    st.binary(max_size=200),
    st.lists(
        st.one_of(
            _special, _chars, _plain_piece, st.sampled_from(["\n", '="', "\\\n", "m,host=a "])
        ),
        max_size=40,
    ).map(lambda parts: "".join(parts).encode()),
)


@settings(max_examples=500, deadline=None)
@given(_noise)
def test_any_body_is_samples_or_a_line_error_never_another_exception(body: bytes) -> None:
    try:
        samples = write_batch(body, precision="ns", source_tag="host")
    except LineError as exc:
        line = exc.line
    else:
        line = 0
        assert samples
    assert line >= 0


@pytest.mark.parametrize(
    "body",
    [
        'm,host=a s="' + "x" * 70_000 + '"',  # the general scanner's path
        "m,host=a\\ " + "x" * 70_000 + " v=1",
        "m,host=a " + ",".join(f"f{i}=1" for i in range(10_000)),  # the fast path's
    ],
)
def test_a_line_longer_than_the_bound_is_refused_before_it_is_scanned(body: str) -> None:
    with pytest.raises(LineError) as caught:
        write_batch(body.encode(), precision="ns", source_tag="host")
    assert "line longer than 65536 characters" in caught.value.reason
