"""What customers went through, as the people checks need it: impact onset, the journeys hurt,
the customers affected, and when the journeys were whole again.

Only the banking journeys count (`BANKING_JOURNEYS`: what a customer came to the bank for);
reading the status page, calling the contact centre or changing a password are the people
half's own journeys and are judged by their own checks. A request *failed* when its outcome is
not ok (failed or unknown; an unserved one is the load's shortfall, not the bank's). A journey
is *hurt* in a whole second (counted from the fault start) when more than `HURT_ERROR_PCT` of
its due requests in that second failed, so one stray error among many is not an outage.

- impact onset: the due time of the first failed request inside the first hurt second of any
  banking journey at or after the fault start; None when no journey was hurt.
- hurt journeys: the banking journeys with a hurt second in [fault start, fault end).
- affected customers: those with a failed banking request due in [fault start, fault end).
- whole again: per hurt journey, the start of the first run of `window_s` whole seconds with no
  hurt second after its first hurt one; the latest of these over the journeys. None when some
  journey never was whole again before the run ended.

Pure functions over samples; no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from harness.history.samples import Sample
from harness.metrics.series import SecondStats, per_second_series

BANKING_JOURNEYS = ("login", "balance", "movements", "transfer", "bill_payment")
HURT_ERROR_PCT = 5.0
"""A second in which more than this share of a journey's due requests failed hurts it."""


def failed(sample: Sample) -> bool:
    """A served banking request that did not end ok."""
    return sample.served and sample.outcome != "ok" and sample.journey in BANKING_JOURNEYS


def _hurt(point: SecondStats) -> bool:
    tally = point.tally
    served = tally.requests - tally.unserved
    bad = tally.failed + tally.unknown
    return served > 0 and 100.0 * bad / served > HURT_ERROR_PCT


def _hurt_seconds(
    samples: Sequence[Sample], journey: str, start_s: float, end_s: float
) -> list[SecondStats]:
    return [p for p in per_second_series(samples, journey, start_s, end_s).points if _hurt(p)]


def impact_onset_s(samples: Sequence[Sample], fault_start_s: float, end_s: float) -> float | None:
    """When customers were first hurt after the fault started (epoch s), or None."""
    firsts: list[float] = []
    for journey in BANKING_JOURNEYS:
        hurt = _hurt_seconds(samples, journey, fault_start_s, end_s)
        if not hurt:
            continue
        second = hurt[0].start_s
        in_it = [
            s.t_s
            for s in samples
            if s.journey == journey and failed(s) and second <= s.t_s < second + 1.0
        ]
        firsts.append(min(in_it, default=second))
    return min(firsts, default=None)


def hurt_journeys(samples: Sequence[Sample], fault_start_s: float, fault_end_s: float) -> list[str]:
    """The banking journeys hurt at least one second of the fault phase."""
    return [j for j in BANKING_JOURNEYS if _hurt_seconds(samples, j, fault_start_s, fault_end_s)]


def affected_customers(
    samples: Iterable[Sample], fault_start_s: float, fault_end_s: float
) -> frozenset[str]:
    """Customers with a failed banking request due in the fault phase."""
    return frozenset(
        s.customer
        for s in samples
        if failed(s) and s.customer and fault_start_s <= s.t_s < fault_end_s
    )


def whole_again_s(
    samples: Sequence[Sample], fault_start_s: float, run_end_s: float, window_s: int
) -> float | None:
    """When every journey hurt since the fault start was whole again for `window_s` seconds."""
    if window_s < 1:
        raise ValueError(f"whole again: window_s must be at least 1, not {window_s}")
    latest = fault_start_s
    for journey in BANKING_JOURNEYS:
        points = per_second_series(samples, journey, fault_start_s, run_end_s).points
        first = next((k for k, p in enumerate(points) if _hurt(p)), None)
        if first is None:
            continue
        streak, whole = 0, None
        for k in range(first + 1, len(points)):
            streak = 0 if _hurt(points[k]) else streak + 1
            if streak == window_s:
                whole = points[k - window_s + 1].start_s
                break
        if whole is None:
            return None
        latest = max(latest, whole)
    return latest
