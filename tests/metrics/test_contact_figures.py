"""Contact-centre figures from a hand-built call log: outcomes, waits, positions and the
callers waiting per second, exactly."""

from __future__ import annotations

from harness.history.people import Call, ContactExport
from harness.metrics.contact import MAX_POINTS, contact_figures, waiting_per_second

T0 = 1000.0


def call(n: int, placed: float, outcome: str, wait: float | None, *, position: int | None = None,
         reason: str = "outage") -> Call:  # fmt: skip
    answered = placed + wait if outcome == "answered" and wait is not None else None
    if outcome == "callback":
        answered = placed + 8.0
    return Call(f"CALL-{n}", f"CUST-{n:04d}", reason, placed, outcome, position, answered,
                None, wait)  # fmt: skip


CALLS = (
    call(1, 1001.0, "answered", 0.0),
    call(2, 1002.2, "answered", 3.0, position=1),  # waits [1002.2, 1005.2)
    call(3, 1002.5, "abandoned", 1.0, position=2),  # waits [1002.5, 1003.5)
    call(4, 1003.0, "busy", None),
    call(5, 1003.1, "callback", None, reason="reset"),  # called back later: never on hold
    call(6, 1004.0, "queued", None, position=4),  # still waiting at the run's end
)


def test_outcomes_waits_and_positions() -> None:
    figures = contact_figures(ContactExport(4, 20, CALLS), T0, T0 + 20)
    assert (figures.calls, figures.queued, figures.answered, figures.busy) == (6, 5, 2, 1)
    assert (figures.abandoned, figures.callbacks, figures.waiting) == (1, 1, 1)
    assert figures.wait_p50_s == 1.0 and figures.wait_p95_s == 3.0 and figures.wait_max_s == 3.0
    assert figures.max_position == 4
    assert figures.reasons == (("outage", 5), ("reset", 1))
    assert (figures.agents, figures.queue_max) == (4, 20)


def test_callers_waiting_is_the_most_at_once_in_each_second() -> None:
    """Second 2: calls 2 and 3 -> 2; second 3: 2 and 3 (until 3.5) -> 2; second 4: 2 and 6 (from
    4.0) -> 2; second 5: 2 until 5.2 and 6 -> 2; then 6 alone until the run's end. The busy
    call 4 and the callback 5 never held the line."""
    peaks = waiting_per_second(CALLS, T0, T0 + 20)
    assert peaks == (0, 0, 2, 2, 2, 2) + (1,) * 14


def test_leaving_and_joining_at_the_same_instant_is_not_two_at_once() -> None:
    calls = (
        call(1, 1000.0, "answered", 2.0, position=1),
        call(2, 1002.0, "answered", 1.0, position=1),
    )
    assert waiting_per_second(calls, T0, T0 + 4) == (1, 1, 1, 0)


def test_long_runs_merge_seconds_keeping_the_worst() -> None:
    calls = tuple(call(k, T0 + 10.0 * k, "answered", 5.0, position=1) for k in range(100))
    figures = contact_figures(ContactExport(4, 20, calls), T0, T0 + 1200, max_points=600)
    assert figures.bucket_s == 2 and len(figures.waiting_callers) == 600
    assert set(figures.waiting_callers) == {0, 1}


def test_points_are_bounded_and_offset_from_t0() -> None:
    calls = tuple(call(k, T0 + 0.001 * k, "busy", None) for k in range(MAX_POINTS + 5))
    figures = contact_figures(ContactExport(4, 20, calls), T0, T0 + 10)
    assert len(figures.points) == MAX_POINTS and figures.busy == MAX_POINTS + 5
    assert figures.points[1].offset_s == 0.001


def test_an_empty_centre_has_no_percentiles() -> None:
    figures = contact_figures(ContactExport(4, 20, ()), T0, T0 + 5)
    assert figures.calls == 0 and figures.wait_p95_s is None and figures.max_position is None
    assert figures.waiting_callers == (0, 0, 0, 0, 0)
