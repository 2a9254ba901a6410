"""Chart series: per-second points from the metrics, and honest downsampling."""

from __future__ import annotations

import pytest

from harness.history.samples import Sample
from harness.metrics import per_second_series
from harness.metrics.timeseries import bucket_seconds, chart_series, journeys_of

T0 = 1_000.0


def _sample(
    t: float, outcome: str = "ok", latency_ms: float = 10.0, journey: str = "balance"
) -> Sample:
    return Sample(t, journey, 200 if outcome == "ok" else 503, latency_ms, outcome)  # type: ignore[arg-type]


def test_bucket_seconds_keeps_series_within_max_points() -> None:
    """600 seconds at 100 points per series need 6-second buckets; short runs stay per second."""
    assert bucket_seconds(600, 100) == 6
    assert bucket_seconds(30, 600) == 1
    with pytest.raises(ValueError, match="max_points"):
        bucket_seconds(10, 0)


def test_per_second_points_match_the_metrics_series() -> None:
    """Without downsampling every point is exactly the metrics' second."""
    samples = [
        _sample(T0 + s + 0.1 * k, "failed" if s == 2 and k < 2 else "ok", 10.0 + k)
        for s in range(5)
        for k in range(4)
    ]
    series = chart_series(samples, "balance", T0, T0 + 5)
    reference = per_second_series(samples, "balance", T0, T0 + 5)
    assert series.offset_s == (0.0, 1.0, 2.0, 3.0, 4.0)
    assert series.request_rate_rps == tuple(p.tally.requests for p in reference.points)
    assert series.error_rate_pct[2] == pytest.approx(50.0)
    assert series.p99_ms == tuple(p.tally.latency.p99_ms for p in reference.points)


def test_downsampling_pools_errors_and_keeps_the_worst_latency() -> None:
    """Merged buckets average the rate, pool the error ratio and keep the worst second's p99."""
    samples = [
        _sample(T0 + 0.5, "ok", 10.0),
        _sample(T0 + 0.6, "ok", 10.0),
        _sample(T0 + 1.5, "failed", 900.0),
    ]
    series = chart_series(samples, "balance", T0, T0 + 2, max_points=1)
    assert series.bucket_s == 2
    assert series.request_rate_rps == (1.5,)
    assert series.error_rate_pct[0] == pytest.approx(100 / 3)
    assert series.p99_ms == (900.0,)


def test_empty_seconds_have_no_error_rate_or_latency() -> None:
    """A second with nothing due is a gap, not a zero."""
    series = chart_series([_sample(T0 + 0.5)], "balance", T0, T0 + 2)
    assert series.error_rate_pct == (0.0, None)
    assert series.p50_ms[1] is None


def test_journeys_of_is_sorted_and_unique() -> None:
    """Journeys appear once, in a stable order."""
    samples = [
        _sample(T0, journey="transfer"),
        _sample(T0, journey="balance"),
        _sample(T0, journey="transfer"),
    ]
    assert journeys_of(samples) == ["balance", "transfer"]
