"""Durations ("1m30s") and timeline marks ("fault+5s") parse to seconds, junk never does."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.spec import Mark, parse_duration, parse_mark


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("20s", 20.0),
        ("1m30s", 90.0),
        ("500ms", 0.5),
        ("1h", 3600.0),
        ("1.5s", 1.5),
        ("2m 5s", 125.0),
        ("0s", 0.0),
        ("1h1m1s1ms", 3661.001),
    ],
)
def test_durations_parse_to_seconds(text: str, seconds: float) -> None:
    """Each unit and combination of units gives the right number of seconds."""
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (20, "has no unit"),
        (1.5, "has no unit"),
        ("", "bad duration"),
        ("20", "bad duration"),
        ("s", "bad duration"),
        ("20x", "bad duration"),
        ("-5s", "bad duration"),
        ("5s junk", "bad duration"),
        (None, "expected a duration string"),
        (True, "expected a duration string"),
        ([1], "expected a duration string"),
    ],
)
def test_bad_durations_say_how_to_write_one(value: object, reason: str) -> None:
    """Numbers without unit, junk and wrong types are refused with an example of the format."""
    with pytest.raises(ValueError, match=reason) as caught:
        parse_duration(value)
    assert "'20s'" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("25s", Mark(None, 25.0)),
        ("fault", Mark("fault", 0.0)),
        ("fault+5s", Mark("fault", 5.0)),
        ("recovery-2s", Mark("recovery", -2.0)),
        ("baseline + 1m", Mark("baseline", 60.0)),
    ],
)
def test_marks_parse(text: str, mark: Mark) -> None:
    """Offsets and phase marks with optional signed offsets parse to a Mark."""
    assert parse_mark(text) == mark


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("peak", "unknown phase 'peak'"),
        ("fault+", "bad mark"),
        ("fault+5", "bad duration"),
        ("fault*2", "bad mark"),
        (25, "has no unit"),
        ("", "bad mark"),
    ],
)
def test_bad_marks(value: object, reason: str) -> None:
    """Unknown phases, missing units and junk are refused with a reason."""
    with pytest.raises(ValueError, match=reason):
        parse_mark(value)


@given(st.integers(0, 10), st.integers(0, 59), st.integers(0, 59), st.integers(0, 999))
def test_duration_round_trip(hours: int, minutes: int, seconds: int, millis: int) -> None:
    """Any h/m/s/ms combination written out parses back to its total."""
    text = f"{hours}h{minutes}m{seconds}s{millis}ms"
    total = hours * 3600 + minutes * 60 + seconds + millis / 1000
    assert parse_duration(text) == pytest.approx(total)


@given(st.text(max_size=20))
def test_any_text_parses_or_raises_value_error(text: str) -> None:
    """Arbitrary text never raises anything but ValueError."""
    for parse in (parse_duration, parse_mark):
        with contextlib.suppress(ValueError):
            parse(text)


def test_mark_prints_as_written() -> None:
    """A mark prints back in the file's notation."""
    assert [str(parse_mark(t)) for t in ("fault", "fault+5s", "25s", "recovery-2s")] == [
        "fault",
        "fault+5s",
        "25s",
        "recovery-2s",
    ]
