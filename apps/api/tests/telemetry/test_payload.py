"""The ingest hot path encodes the `samples` stream message straight from the batch's
columns; it must be byte for byte what the TelemetryPayload model encodes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from chiron.live.endpoints import TelemetryPayload
from chiron.telemetry import service
from chiron.telemetry.schemas import SampleIn, SamplesPayload, StreamSample

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
times = st.one_of(
    st.none(),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),  # naive: UTC
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=offsets),
)
samples = st.builds(
    SampleIn,
    source=st.sampled_from(["rover-1", "dev:7/a", "x"]),
    metric=st.sampled_from(["battery.voltage", "cpu", "link_q.snr"]),
    value=st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(min_value=-(2**53), max_value=2**53),
    ),
    unit=st.one_of(
        st.none(), st.text(st.characters(min_codepoint=0x20, exclude_categories=["Cs"]), max_size=8)
    ),
    ts=times,
)


@given(batch=st.lists(samples, min_size=1, max_size=20))
def test_samples_payload_is_the_models_encoding(batch: list[SampleIn]) -> None:
    columns = service.columns(batch, NOW)
    model = SamplesPayload(
        samples=[
            StreamSample(
                source=s.source,
                metric=s.metric,
                value=float(s.value),
                unit=s.unit,
                ts=NOW if s.ts is None else s.ts.replace(tzinfo=s.ts.tzinfo or UTC).astimezone(UTC),
                severity="ok",  # no gate watches these series
            )
            for s in batch
        ]
    )
    encoded = service.SamplesMessage(columns)
    assert encoded.type == "samples"
    assert encoded.encode() == model.encode()
    assert TelemetryPayload.model_validate_json(encoded.encode()).root == model


def test_columns_are_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    batch = service.columns(
        [
            SampleIn(source="a", metric="m", value=1, ts=datetime(2026, 1, 1, 12, tzinfo=plus_two)),
            SampleIn(source="a", metric="m", value=2, ts=datetime(2026, 1, 1, 12)),
            SampleIn(source="a", metric="m", value=3),
        ],
        NOW,
    )
    assert batch.ts == [
        datetime(2026, 1, 1, 10, tzinfo=UTC),
        datetime(2026, 1, 1, 12, tzinfo=UTC),
        NOW,
    ]
    assert all(ts.utcoffset() == timedelta(0) for ts in batch.ts)
    assert batch.value == [1.0, 2.0, 3.0]
