"""Metrics properties (Hypothesis): percentile order, exact counting, recovery of an outage."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.analysis.evidence import SloTarget
from harness.history.samples import Outcome, Sample
from harness.metrics import Latencies, Tally, per_second_series, time_to_recover_s

T0 = 1_700_000_000.0
latencies = st.lists(st.floats(0, 60_000, allow_nan=False), min_size=1, max_size=300)


@given(latencies)
def test_percentiles_are_ordered_observed_values(values: list[float]) -> None:
    """p50 <= p95 <= p99, each one of the observed latencies, within min and max."""
    lat = Latencies.of(values)
    assert lat.p50_ms is not None and lat.p95_ms is not None and lat.p99_ms is not None
    assert min(values) <= lat.p50_ms <= lat.p95_ms <= lat.p99_ms <= max(values)
    assert {lat.p50_ms, lat.p95_ms, lat.p99_ms} <= set(values)


samples_st = st.lists(
    st.builds(
        Sample,
        t_s=st.floats(T0 - 5, T0 + 25, allow_nan=False),
        journey=st.sampled_from(["login", "balance"]),
        status=st.just(200),
        latency_ms=st.floats(0, 5000, allow_nan=False),
        outcome=st.sampled_from(["ok", "failed", "unknown"]),
        served=st.booleans(),
    ),
    max_size=200,
)


@given(samples_st, st.floats(0, 15, allow_nan=False))
def test_series_counts_every_sample_once(samples: list[Sample], span_s: float) -> None:
    """Every sample of the journey due in the whole seconds is in exactly one bucket."""
    series = per_second_series(samples, "login", T0, T0 + span_s)
    end = T0 + len(series.points)
    due = [s for s in samples if s.journey == "login" and T0 <= s.t_s < end]
    assert sum(p.tally.requests for p in series.points) == len(due)
    assert sum(p.tally.ok for p in series.points) == Tally.of(due).ok
    for point in series.points:
        pct = point.tally.availability_pct
        assert pct is None or 0.0 <= pct <= 100.0


@settings(deadline=None)
@given(
    outage_s=st.floats(0, 20, allow_nan=False),
    fault_end_frac=st.floats(0, 0.999),
    rate_per_s=st.integers(1, 8),
    window_s=st.integers(1, 5),
)
def test_outage_of_length_d_recovers_at_d(
    outage_s: float, fault_end_frac: float, rate_per_s: int, window_s: int
) -> None:
    """Failures lasting d seconds after the fault ended give a recovery time within d +- 1 s."""
    fault_end = T0 + 10 + fault_end_frac
    run_end = fault_end + outage_s + window_s + 2
    samples = []
    for i in range(math.ceil((run_end - T0) * rate_per_s)):
        t = T0 + i / rate_per_s
        outcome: Outcome = "failed" if T0 + 5 <= t < fault_end + outage_s else "ok"
        samples.append(
            Sample(t_s=t, journey="transfer", status=200, latency_ms=20.0, outcome=outcome)
        )
    slo = SloTarget("transfer", "recovery", availability_pct=99.0)
    ttr = time_to_recover_s(
        samples, "transfer", slo, fault_end, window_s=window_s, run_end_s=run_end
    )
    assert ttr is not None
    assert outage_s - 1 <= ttr <= outage_s + 1
