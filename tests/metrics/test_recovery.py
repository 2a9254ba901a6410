"""Metrics: time to impact and time to recover against an SLO, second by second."""

from dataclasses import dataclass

import pytest

from harness.history.samples import Outcome, Sample
from harness.metrics import breaches, time_to_impact_s, time_to_recover_s
from harness.metrics.series import Tally

T0 = 1_700_000_000.0


@dataclass(frozen=True)
class Slo:
    availability_pct: float | None = 99.0
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None


def history(bad_seconds: set[int], seconds: int, *, slow: bool = False) -> list[Sample]:
    """Four transfers per second from T0; in bad seconds all fail (or, if slow, take 3 s)."""
    out: list[Sample] = []
    for k in range(seconds):
        bad = k in bad_seconds
        outcome: Outcome = "ok" if (slow or not bad) else "failed"
        latency = 3000.0 if (bad and slow) else 50.0
        out += [
            Sample(
                t_s=T0 + k + i / 4,
                journey="transfer",
                status=201,
                latency_ms=latency,
                outcome=outcome,
            )
            for i in range(4)
        ]
    return out


def test_recovers_after_the_outage_outlasts_the_fault() -> None:
    """Failures for 3 s after the fault ended give a recovery time of 3 s."""
    samples = history({10, 11, 12, 13, 14}, 30)
    assert (
        time_to_recover_s(samples, "transfer", Slo(), T0 + 12, window_s=5, run_end_s=T0 + 30) == 3.0
    )


def test_never_broken_is_zero() -> None:
    """An SLO that held all along recovered at once: 0."""
    assert (
        time_to_recover_s(
            history(set(), 20), "transfer", Slo(), T0 + 5, window_s=5, run_end_s=T0 + 20
        )
        == 0.0
    )


def test_a_short_good_spell_is_not_recovery() -> None:
    """A good second between bad ones does not start the sustained window."""
    samples = history({0, 1, 3}, 20)
    assert time_to_recover_s(samples, "transfer", Slo(), T0, window_s=3, run_end_s=T0 + 20) == 4.0


def test_no_recovery_before_the_run_ends_is_none() -> None:
    """A window that cannot fit before the end of the run means no recovery (None)."""
    samples = history({10, 11, 12, 13, 14, 15, 16, 17}, 25)
    assert (
        time_to_recover_s(samples, "transfer", Slo(), T0 + 10, window_s=3, run_end_s=T0 + 21) == 8.0
    )
    assert (
        time_to_recover_s(samples, "transfer", Slo(), T0 + 10, window_s=3, run_end_s=T0 + 19.5)
        is None
    )
    with pytest.raises(ValueError, match="window_s"):
        time_to_recover_s(samples, "transfer", Slo(), T0, window_s=0, run_end_s=T0 + 20)


def test_latency_breach_delays_recovery() -> None:
    """Seconds that succeed but exceed the p99 target are not recovered."""
    samples = history({5, 6}, 15, slow=True)
    slo = Slo(availability_pct=None, p99_ms=1000.0)
    assert time_to_recover_s(samples, "transfer", slo, T0 + 5, window_s=2, run_end_s=T0 + 15) == 2.0
    assert (
        time_to_recover_s(samples, "transfer", Slo(), T0 + 5, window_s=2, run_end_s=T0 + 15) == 0.0
    )


def test_time_to_impact() -> None:
    """Impact is the first breaking second after the fault starts; None if none broke."""
    samples = history({7, 8}, 15)
    assert time_to_impact_s(samples, "transfer", Slo(), T0 + 5, T0 + 15) == 2.0
    assert time_to_impact_s(samples, "transfer", Slo(), T0 + 9, T0 + 15) is None


def test_breaches_name_the_missed_targets() -> None:
    """A tally lists every target it misses; an empty one misses none."""
    tally = Tally.of(history({0}, 1, slow=True))
    assert breaches(tally, Slo(availability_pct=99.0, p50_ms=100.0, p99_ms=5000.0)) == ["p50"]
    assert breaches(Tally.of([]), Slo(p99_ms=1.0)) == []
