"""Unit and property tests for the status page's failure detector and incident board."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from targets.mobile_api.status import CORE, PAYMENTS, FailureDetector, StatusBoard


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now_s = 500.0

    def __call__(self) -> float:
        return self.now_s


def statuses(board: StatusBoard) -> dict[str, str]:
    return dict(board.page().components)


def test_detector_waits_detect_after_s_of_failures_only() -> None:
    """A dependency is down only after failing without success for detect_after_s."""
    detector = FailureDetector(detect_after_s=2.0, recover_after_s=1.0)
    detector.observe(CORE, True, 0.0)
    detector.observe(CORE, False, 1.0)
    assert not detector.is_down(CORE, 2.9)
    detector.observe(CORE, True, 2.5)
    detector.observe(CORE, False, 2.75)
    assert not detector.is_down(CORE, 4.5)
    assert detector.is_down(CORE, 4.75)


def test_detector_recovers_after_sustained_success() -> None:
    """Back up only after recover_after_s of successes with no failure in between."""
    detector = FailureDetector(detect_after_s=2.0, recover_after_s=1.0)
    detector.observe(CORE, True, 0.0)
    detector.observe(CORE, False, 0.1)
    assert detector.is_down(CORE, 2.1)
    detector.observe(CORE, True, 3.0)
    detector.observe(CORE, False, 3.5)
    detector.observe(CORE, True, 3.75)
    assert detector.is_down(CORE, 4.5)
    assert not detector.is_down(CORE, 4.75)


def test_detector_ignores_a_dependency_that_never_answered() -> None:
    """Failures before the first success (start-up) never make a dependency down."""
    detector = FailureDetector(detect_after_s=2.0)
    detector.observe(PAYMENTS, False, 0.0)
    assert not detector.is_down(PAYMENTS, 100.0)


def test_automatic_board_opens_updates_and_resolves_an_incident() -> None:
    """Hardened: an incident opens by itself, tracks a second outage and resolves when healthy."""
    clock = Clock()
    board = StatusBoard(True, FailureDetector(detect_after_s=2.0, recover_after_s=1.0), clock)
    board.observe(CORE, True)
    board.observe(PAYMENTS, True)
    board.observe(CORE, False)
    clock.now_s += 2.0
    board.evaluate()
    page = board.page()
    assert page.incident is not None and "core-banking" in page.incident.title
    assert statuses(board) == {CORE: "outage", PAYMENTS: "operational", "mobile-api": "degraded"}
    board.observe(PAYMENTS, False)
    clock.now_s += 2.0
    board.evaluate()
    assert len(board.page().incident.updates) == 2  # type: ignore[union-attr]
    board.observe(CORE, True)
    board.observe(PAYMENTS, True)
    clock.now_s += 1.0
    board.evaluate()
    assert board.page().incident is None
    assert set(statuses(board).values()) == {"operational"}
    kinds = [c.kind for c in board.history()]
    assert kinds[0] == "incident_opened"
    assert kinds.count("incident_resolved") == 1
    opened = next(c for c in board.history() if c.kind == "incident_opened")
    assert opened.at_s == 502.0


def test_fragile_board_never_changes_by_itself() -> None:
    """Fragile: failures are ignored; the page stays operational with no incident."""
    clock = Clock()
    board = StatusBoard(False, FailureDetector(detect_after_s=2.0), clock)
    board.observe(CORE, True)
    for _ in range(10):
        board.observe(CORE, False)
        clock.now_s += 1.0
    page = board.page()
    assert page.incident is None
    assert set(statuses(board).values()) == {"operational"}
    assert board.history() == ()


def test_manual_post_and_resolve_are_recorded() -> None:
    """An operator's post opens an incident and sets components; resolve clears both."""
    clock = Clock()
    board = StatusBoard(False, FailureDetector(detect_after_s=2.0), clock)
    board.post("Login problems", "We are looking into it.", {"mobile-api": "degraded"})
    assert board.page().incident is not None
    assert statuses(board)["mobile-api"] == "degraded"
    clock.now_s += 5
    board.resolve("Fixed.")
    assert board.page().incident is None
    assert statuses(board)["mobile-api"] == "operational"
    assert [c.kind for c in board.history()] == [
        "incident_opened",
        "component",
        "incident_resolved",
        "component",
    ]


@given(st.lists(st.tuples(st.booleans(), st.floats(0.0, 1.0)), max_size=60))
def test_down_implies_a_long_enough_failure_run(events: list[tuple[bool, float]]) -> None:
    """Whenever the detector says down, the last success is at least detect_after_s old."""
    detector = FailureDetector(detect_after_s=2.0, recover_after_s=1.0)
    now, last_ok, was_down = 0.0, None, False
    for ok, step in events:
        now += step
        detector.observe(CORE, ok, now)
        if ok:
            last_ok = now
        down = detector.is_down(CORE, now)
        if down and not was_down:
            assert last_ok is not None and now - last_ok >= 2.0 - 1e-9
        was_down = down
