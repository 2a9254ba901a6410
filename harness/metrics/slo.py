"""Whether a second meets an SLO, and the times to impact and to recover derived from that.

A second *holds* the objective when, over the requests due in it, availability is at least
the availability target and each targeted percentile is at most its target. A second with no
due request holds (no evidence of harm). Under the open load model an outage still produces
due requests (failed, unknown or unserved), so an outage never looks like an empty second.

time to recover: seconds are counted from the end of the fault, second k covering
[fault_end + k, fault_end + k + 1). The answer is the smallest k such that seconds
k .. k + window_s - 1 all hold and all end by run_end_s; it is 0 when the SLO held from the
moment the fault ended (including when it never broke), and None when no such sustained
window fits before the run ended. Resolution is one second.

time to impact: the k of the first second, counted from the fault start, that does not hold;
None when every second up to the end held. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from harness.history.samples import Sample
from harness.metrics.series import Journeys, Tally, per_second_series


class Objective(Protocol):
    """SLO targets; None means not targeted. `verdicts.SloTarget` satisfies it."""

    @property
    def availability_pct(self) -> float | None: ...
    @property
    def p50_ms(self) -> float | None: ...
    @property
    def p95_ms(self) -> float | None: ...
    @property
    def p99_ms(self) -> float | None: ...


def breaches(tally: Tally, objective: Objective) -> list[str]:
    """The targets this tally misses, as metric names (availability, p50, p95, p99)."""
    if tally.requests == 0:
        return []
    missed = []
    availability = tally.availability_pct
    if (
        objective.availability_pct is not None
        and (availability or 0.0) < objective.availability_pct
    ):
        missed.append("availability")
    pairs = (
        ("p50", tally.latency.p50_ms, objective.p50_ms),
        ("p95", tally.latency.p95_ms, objective.p95_ms),
        ("p99", tally.latency.p99_ms, objective.p99_ms),
    )
    missed += [m for m, seen, bar in pairs if bar is not None and seen is not None and seen > bar]
    return missed


def holds(tally: Tally, objective: Objective) -> bool:
    """Whether the tally meets every target of the objective."""
    return not breaches(tally, objective)


def time_to_recover_s(
    samples: Iterable[Sample],
    journeys: Journeys,
    slo: Objective,
    fault_end_s: float,
    *,
    window_s: int,
    run_end_s: float,
) -> float | None:
    """Seconds after the fault ended until the SLO held for `window_s` whole seconds in a row."""
    if window_s < 1:
        raise ValueError(f"time to recover: window_s must be at least 1, not {window_s}")
    series = per_second_series(samples, journeys, fault_end_s, run_end_s)
    streak = 0
    for k, point in enumerate(series.points):
        streak = streak + 1 if holds(point.tally, slo) else 0
        if streak == window_s:
            return float(k - window_s + 1)
    return None


def time_to_impact_s(
    samples: Iterable[Sample],
    journeys: Journeys,
    slo: Objective,
    fault_start_s: float,
    end_s: float,
) -> float | None:
    """Seconds after the fault started until the first second that broke the SLO."""
    series = per_second_series(samples, journeys, fault_start_s, end_s)
    return next((float(k) for k, p in enumerate(series.points) if not holds(p.tally, slo)), None)
