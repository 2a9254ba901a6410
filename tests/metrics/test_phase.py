"""Metrics: per-phase summaries per journey."""

import pytest

from harness.history.samples import Outcome, Sample
from harness.metrics import Window, phase_stats, phase_table

T0 = 1_700_000_000.0


def sample(
    t_s: float,
    journey: str,
    outcome: Outcome = "ok",
    latency_ms: float = 10.0,
    *,
    served: bool = True,
) -> Sample:
    """A request due at T0 + t_s."""
    return Sample(
        t_s=T0 + t_s,
        journey=journey,
        status=200,
        latency_ms=latency_ms,
        outcome=outcome,
        served=served,
    )


def test_phase_stats_of_a_fault_window() -> None:
    """Counts, availability, percentiles and goodput cover only requests due in the window."""
    samples = [
        sample(1, "transfer", latency_ms=100.0),
        sample(2, "transfer", latency_ms=300.0),
        sample(3, "transfer", "failed", 50.0),
        sample(4, "transfer", "unknown", 5000.0),
        sample(5, "transfer", "failed", 0.0, served=False),
        sample(6, "login"),
        sample(20, "transfer"),
    ]
    stats = phase_stats(samples, "transfer", Window("fault", T0, T0 + 10))
    assert (stats.journey, stats.phase) == ("transfer", "fault")
    assert (stats.requests, stats.ok, stats.failed, stats.unknown, stats.unserved) == (
        5,
        2,
        1,
        1,
        1,
    )
    assert stats.availability_pct == pytest.approx(40.0)
    assert (stats.p50_ms, stats.p95_ms, stats.p99_ms) == (100.0, 5000.0, 5000.0)
    assert stats.throughput_rps == pytest.approx(0.2)


def test_phase_without_requests() -> None:
    """A phase with nothing due has no availability and no latency."""
    stats = phase_stats([], "login", Window("baseline", T0, T0 + 5))
    assert stats.requests == 0 and stats.availability_pct is None and stats.p99_ms is None


def test_phase_table_rows_in_order() -> None:
    """Rows come journey by journey, phase by phase."""
    windows = [Window("baseline", T0, T0 + 10), Window("fault", T0 + 10, T0 + 20)]
    rows = phase_table(
        [sample(1, "login"), sample(11, "login", "failed")], ["login", "balance"], windows
    )
    assert [(r.journey, r.phase, r.requests) for r in rows] == [
        ("login", "baseline", 1),
        ("login", "fault", 1),
        ("balance", "baseline", 0),
        ("balance", "fault", 0),
    ]
    assert rows[1].availability_pct == 0.0


def test_baseline_is_not_charged_with_requests_the_fault_caught_in_flight() -> None:
    """With answered_by_s, a request due in the window but answered after it does not count."""
    window = Window("baseline", T0, T0 + 10, answered_by_s=T0 + 10)
    samples = [
        Sample(T0 + 1, "balance", 200, 20.0, "ok"),
        Sample(T0 + 9.9, "balance", 503, 300.0, "failed"),  # answered at 10.2: the fault's
    ]
    stats = phase_stats(samples, "balance", window)
    assert (stats.requests, stats.ok, stats.availability_pct) == (1, 1, 100.0)
    plain = phase_stats(samples, "balance", Window("baseline", T0, T0 + 10))
    assert (plain.requests, plain.ok) == (2, 1)
