"""Metrics: time to detect, worst degradation and error budget spent."""

import math

import pytest

from harness.history.samples import Outcome, Sample
from harness.metrics import (
    StatusEvent,
    Window,
    error_budget_spent,
    time_to_detect_s,
    worst_degradation,
)

T0 = 1_700_000_000.0


def sample(t_s: float, outcome: Outcome = "ok", latency_ms: float = 10.0) -> Sample:
    """A balance request due at T0 + t_s."""
    return Sample(
        t_s=T0 + t_s, journey="balance", status=200, latency_ms=latency_ms, outcome=outcome
    )


def test_detection_is_the_first_incident_opened_after_the_fault() -> None:
    """The first closed-to-open change at or after the fault start detects it."""
    events = [
        StatusEvent(T0 + 1, False),
        StatusEvent(T0 + 12.5, True),
        StatusEvent(T0 + 20, True),
        StatusEvent(T0 + 40, False),
    ]
    assert time_to_detect_s(events, T0 + 10) == 2.5


def test_plain_tuples_and_unsorted_events_work() -> None:
    """The engine may pass plain (t_s, open) tuples in any order."""
    assert time_to_detect_s([(T0 + 30, True), (T0 + 5, False)], T0 + 10) == 20.0


def test_incident_open_before_the_fault_does_not_detect_it() -> None:
    """An incident already open does not count; only a new opening after the fault does."""
    events = [(T0, True), (T0 + 15, True), (T0 + 18, False), (T0 + 21, True)]
    assert time_to_detect_s(events, T0 + 10) == 11.0
    assert time_to_detect_s([(T0, True), (T0 + 15, True)], T0 + 10) is None
    assert time_to_detect_s([], T0) is None


def test_worst_second_for_availability_and_p99() -> None:
    """The lowest-availability and highest-p99 seconds are reported with their start."""
    samples = [
        sample(0),
        sample(1, "failed"),
        sample(1),
        sample(2, latency_ms=900.0),
        sample(3, "failed"),
        sample(3),
        sample(4, "failed", 800.0),
    ]
    worst = worst_degradation(samples, "balance", T0, T0 + 5)
    assert worst.lowest_availability_pct == 0.0 and worst.lowest_availability_at_s == T0 + 4
    assert worst.highest_p99_ms == 900.0 and worst.highest_p99_at_s == T0 + 2
    empty = worst_degradation([], "balance", T0, T0 + 5)
    assert empty.lowest_availability_pct is None and empty.highest_p99_at_s is None


def test_error_budget_spent_can_exceed_everything() -> None:
    """Bad requests over the allowed share; 5 bad of 1000 at 99.9 % spends 500 %."""
    samples = [sample(i / 100, "failed" if i < 5 else "ok") for i in range(1000)]
    budget = error_budget_spent(samples, "balance", 99.9, Window("run", T0, T0 + 10))
    assert (budget.requests, budget.bad) == (1000, 5)
    assert budget.allowed_bad == pytest.approx(1.0)
    assert budget.spent_pct == pytest.approx(500.0)


def test_error_budget_edges() -> None:
    """A 100 % target leaves no budget: any error spends infinitely, none spends 0."""
    span = Window("run", T0, T0 + 10)
    assert math.isinf(error_budget_spent([sample(1, "unknown")], "balance", 100.0, span).spent_pct)
    assert error_budget_spent([sample(1)], "balance", 100.0, span).spent_pct == 0.0
    assert error_budget_spent([sample(1)], "balance", 99.0, span).spent_pct == 0.0
    with pytest.raises(ValueError, match="not in"):
        error_budget_spent([], "balance", 101.0, span)
