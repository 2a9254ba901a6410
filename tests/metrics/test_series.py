"""Metrics: nearest-rank percentiles, the tally of outcomes and per-second series."""

import pytest

from harness.history.samples import Outcome, Sample
from harness.metrics import Latencies, Tally, Window, nearest_rank, per_second_series

T0 = 1_700_000_000.0


def sample(
    t_s: float,
    outcome: Outcome = "ok",
    latency_ms: float = 10.0,
    *,
    journey: str = "balance",
    served: bool = True,
) -> Sample:
    """A request due at t_s."""
    return Sample(
        t_s=t_s, journey=journey, status=200, latency_ms=latency_ms, outcome=outcome, served=served
    )


def test_nearest_rank_on_one_to_hundred() -> None:
    """Nearest rank picks observed values: p50=50, p95=95, p99=99, p100=100 of 1..100."""
    values = [float(v) for v in range(1, 101)]
    assert [nearest_rank(values, q) for q in (50, 95, 99, 100)] == [50, 95, 99, 100]


def test_nearest_rank_small_and_empty_sets() -> None:
    """One value is every percentile; no value has none; 0 or >100 is refused."""
    assert nearest_rank([7.0], 1) == 7.0 and nearest_rank([7.0], 99) == 7.0
    assert nearest_rank([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert nearest_rank([], 50) is None
    with pytest.raises(ValueError, match="not in"):
        nearest_rank([1.0], 0)


def test_latencies_sort_their_input() -> None:
    """Unsorted latencies give the same percentiles as sorted ones."""
    lat = Latencies.of([30.0, 10.0, 20.0])
    assert (lat.p50_ms, lat.p95_ms, lat.p99_ms) == (20.0, 30.0, 30.0)


def test_tally_counts_unserved_and_unknown_against_availability() -> None:
    """Availability is ok over all due requests, including unknown and unserved ones."""
    tally = Tally.of(
        [
            sample(0, "ok"),
            sample(0, "ok"),
            sample(0, "failed"),
            sample(0, "unknown", 2000.0),
            sample(0, "failed", 0.0, served=False),
        ]
    )
    assert (tally.requests, tally.ok, tally.failed, tally.unknown, tally.unserved) == (
        5,
        2,
        1,
        1,
        1,
    )
    assert tally.availability_pct == pytest.approx(40.0)
    assert tally.error_rate_pct == pytest.approx(60.0)
    assert tally.latency.p99_ms == 2000.0  # served latencies only: the unserved 0.0 is not one


def test_empty_tally_has_no_rates() -> None:
    """Nothing due means no availability and no percentile, not 0 or 100."""
    tally = Tally.of([])
    assert tally.availability_pct is None and tally.latency.p50_ms is None


def test_series_buckets_by_due_time_in_whole_seconds() -> None:
    """Second k holds [start+k, start+k+1); other journeys and a partial last second are out."""
    samples = [
        sample(T0 + 0.0),
        sample(T0 + 0.99, "failed"),
        sample(T0 + 1.0),
        sample(T0 + 1.5, journey="login"),
        sample(T0 + 3.2),
        sample(T0 - 0.1),
    ]
    series = per_second_series(samples, "balance", T0, T0 + 3.5)
    assert [p.start_s - T0 for p in series.points] == [0.0, 1.0, 2.0]
    assert [p.request_rate_rps for p in series.points] == [2, 1, 0]
    assert series.points[0].tally.availability_pct == 50.0
    assert series.journeys == ("balance",)


def test_series_pools_several_journeys() -> None:
    """A series over several journeys pools their samples."""
    samples = [sample(T0, journey="login"), sample(T0, journey="balance")]
    series = per_second_series(samples, ["login", "balance"], T0, T0 + 1)
    assert series.points[0].tally.requests == 2 and series.journeys == ("balance", "login")


def test_window_contains_start_not_end() -> None:
    """A window is half-open and must not end before it starts."""
    w = Window("fault", 10.0, 20.0)
    assert w.contains(10.0) and not w.contains(20.0) and w.duration_s == 10.0
    with pytest.raises(ValueError, match="window fault"):
        Window("fault", 20.0, 10.0)
