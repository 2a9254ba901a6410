"""Unit tests of the sample stream: batched JSON lines and tailing them while they grow."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from harness.history.samples import Sample, read_samples, write_sample
from harness.load.process import tail_samples
from harness.load.sink import SampleSink, sample_line

SAMPLE = Sample(
    t_s=1.5,
    journey="transfer",
    status=201,
    latency_ms=12.0,
    outcome="ok",
    customer="CUST-0001",
    transfer_id="T1",
    idempotency_key="k",
    payment_status="ACSC",
    amount="3.00",
)


def test_sample_line_matches_the_record_format() -> None:
    """The sink's fast serialisation is byte-identical to samples.write_sample."""
    stream = io.StringIO()
    write_sample(stream, SAMPLE)
    assert sample_line(SAMPLE) + "\n" == stream.getvalue()


def test_sink_writes_nothing_until_flushed(tmp_path: Path) -> None:
    """Samples stay in memory until flush, then land as readable lines."""
    path = tmp_path / "load.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        sink = SampleSink(stream)
        sink.add(SAMPLE)
        sink.add(SAMPLE)
        assert path.read_text() == ""
        assert sink.flush() == 2
        assert list(read_samples(path)) == [SAMPLE, SAMPLE]
        assert sink.flush() == 0 and sink.written == 2


def test_tail_samples_reads_only_complete_lines(tmp_path: Path) -> None:
    """A torn last line is left for the next call, which resumes from the returned offset."""
    path = tmp_path / "load.jsonl"
    line = sample_line(SAMPLE) + "\n"
    path.write_text(line + line[:20])
    samples, offset = tail_samples(path, 0)
    assert samples == [SAMPLE] and offset == len(line.encode())
    with path.open("a") as stream:
        stream.write(line[20:])
    more, offset2 = tail_samples(path, offset)
    assert more == [SAMPLE] and offset2 == 2 * len(line.encode())
    assert tail_samples(path, offset2) == ([], offset2)


def test_tail_samples_of_a_missing_file_is_empty(tmp_path: Path) -> None:
    """Before the runner created its file there is nothing to show."""
    assert tail_samples(tmp_path / "absent.jsonl", 0) == ([], 0)


@given(
    st.builds(
        Sample,
        t_s=st.floats(0, 2e9, allow_nan=False),
        journey=st.text(max_size=12),
        status=st.integers(0, 599),
        latency_ms=st.floats(0, 1e6, allow_nan=False),
        outcome=st.sampled_from(["ok", "failed", "unknown"]),
        customer=st.text(max_size=12),
        served=st.booleans(),
        detail=st.text(max_size=40),
        transfer_id=st.none() | st.text(max_size=20),
        idempotency_key=st.none() | st.text(max_size=20),
        payment_status=st.none() | st.sampled_from(["ACSC", "RJCT", "ACSP"]),
        amount=st.none() | st.text(max_size=8),
        offered_rate_per_s=st.none() | st.floats(0, 1e4, allow_nan=False),
        password_strength=st.none() | st.sampled_from(["weak", "strong"]),
        call_outcome=st.none() | st.text(max_size=10),
        queue_position=st.none() | st.integers(0, 10_000),
        wait_s=st.none() | st.floats(0, 1e5, allow_nan=False),
        incident_shown=st.none() | st.booleans(),
    )
)
def test_fast_line_is_exactly_the_record_format(sample: Sample) -> None:
    """For any sample (escapes, unicode, None, floats) the line equals write_sample's."""
    stream = io.StringIO()
    write_sample(stream, sample)
    assert sample_line(sample) + "\n" == stream.getvalue()
    assert Sample.from_json(sample_line(sample)) == sample
