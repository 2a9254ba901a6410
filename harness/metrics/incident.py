"""Incident measures: time to detect, worst degradation and error budget spent.

time to detect: the status page's history is a list of (t_s, incident_open) events, mapped
by the analysis from the status service's export (availability incidents only). Detection
is the first event at or after the fault start that opens an incident, i.e. shows one open
while the previous event (or the initial state, closed) showed none; the answer is its time minus the fault start. An incident left
open from before the fault does not count as detecting it. None when nothing opened.

worst degradation: over whole seconds of a span, the lowest availability and the highest p99
with the second each happened (seconds with no due request are skipped).

error budget: with an availability target A % over a span, the budget is (1 - A/100) of the
due requests; spent is bad requests (all not ok) over that budget in percent, and can exceed
100. With a 100 % target any bad request spends an infinite budget. Pure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from harness.history.samples import Sample
from harness.metrics.series import Journeys, Tally, Window, per_second_series, select


class StatusEvent(NamedTuple):
    """One entry of the status page's history: when, and whether an incident was open."""

    t_s: float
    incident_open: bool


def time_to_detect_s(
    status_events: Iterable[tuple[float, bool]], fault_start_s: float
) -> float | None:
    """Seconds from the fault start to the first incident opened on the status page."""
    was_open = False
    for t_s, is_open in sorted(status_events, key=lambda e: e[0]):
        if is_open and not was_open and t_s >= fault_start_s:
            return t_s - fault_start_s
        was_open = is_open
    return None


@dataclass(frozen=True)
class Degradation:
    lowest_availability_pct: float | None
    lowest_availability_at_s: float | None
    highest_p99_ms: float | None
    highest_p99_at_s: float | None


def worst_degradation(
    samples: Iterable[Sample], journeys: Journeys, start_s: float, end_s: float
) -> Degradation:
    """The worst second for availability and for p99 between start and end (earliest on ties)."""
    points = [
        p for p in per_second_series(samples, journeys, start_s, end_s).points if p.tally.requests
    ]
    if not points:
        return Degradation(None, None, None, None)
    low = min(points, key=lambda p: (p.tally.availability_pct or 0.0, p.start_s))
    timed = [p for p in points if p.tally.latency.p99_ms is not None]
    high = min(timed, key=lambda p: (-(p.tally.latency.p99_ms or 0.0), p.start_s), default=None)
    return Degradation(
        low.tally.availability_pct,
        low.start_s,
        None if high is None else high.tally.latency.p99_ms,
        None if high is None else high.start_s,
    )


@dataclass(frozen=True)
class ErrorBudget:
    requests: int
    bad: int
    allowed_bad: float
    spent_pct: float


def error_budget_spent(
    samples: Iterable[Sample], journeys: Journeys, availability_target_pct: float, span: Window
) -> ErrorBudget:
    """How much of the error budget implied by the target the span's bad requests used."""
    if not 0 <= availability_target_pct <= 100:
        raise ValueError(f"error budget: target {availability_target_pct} % is not in [0, 100]")
    tally = Tally.of(s for s in select(samples, journeys) if span.contains(s.t_s))
    bad = tally.requests - tally.ok
    allowed = tally.requests * (100.0 - availability_target_pct) / 100.0
    spent = 100.0 * bad / allowed if allowed > 0 else (math.inf if bad else 0.0)
    return ErrorBudget(tally.requests, bad, allowed, spent)
