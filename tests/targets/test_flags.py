"""The shared HTTP fault flags: updates are validated with a reason naming the valid flags."""

from __future__ import annotations

import pytest

from targets.flags import FlagsUpdate, HttpFlags, merge_flags, parse_update


def test_updates_merge_field_by_field() -> None:
    """Only the flags given change."""
    update = parse_update({"read_only": True})
    assert isinstance(update, FlagsUpdate)
    assert merge_flags(HttpFlags(error_rate=0.5), update) == HttpFlags(0.5, 0, True)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"colour": "red"}, "unknown flag(s) ['colour']; valid: error_rate"),
        ({"read_only": "yes"}, "read_only: Input should be a valid boolean"),
        ({"error_rate": 2}, "error_rate: Input should be less than or equal to 1"),
        ({"extra_latency_ms": 1.5}, "extra_latency_ms: Input should be a valid integer"),
        ([], "the body must be a JSON object"),
    ],
)
def test_bad_updates_are_refused_with_a_reason(raw: object, reason: str) -> None:
    """Unknown flags, wrong types and out-of-range values give a one-line reason."""
    refused = parse_update(raw)
    assert isinstance(refused, str) and reason in refused
