"""Unit tests for the status service's detection: burn rate per component and the probe (pure)."""

from __future__ import annotations

from targets.profiles import HARDENED
from targets.status.detection import (
    BurnPolicy,
    BurnRateDetector,
    Detector,
    Observation,
    ObservationBatch,
)

POLICY = BurnPolicy.from_profile(HARDENED)  # 5 s window, 20 % threshold, 5 requests


def batch(at_s: float, component: str, ok: int, failed: int, *customers: str) -> ObservationBatch:
    return ObservationBatch(at_s, (Observation(component, ok, failed, customers),))


def feed(detector: Detector, start_s: float, seconds: float, *obs: Observation) -> None:
    """One batch every 0.5 s for `seconds`, each holding `obs`."""
    for i in range(int(seconds / 0.5)):
        detector.burn.add(ObservationBatch(start_s + 0.5 * i, obs))


def test_partial_degradation_is_detected() -> None:
    """A 44 %-available journey (as during 001's migration) turns its component degraded: a
    share of failures under an outage still counts once it crosses the threshold."""
    detector = Detector(BurnRateDetector(POLICY))
    feed(detector, 100.0, 5.0, Observation("balances", 10, 0), Observation("app", 10, 0))
    health, detections = detector.assess(104.9)
    assert health.unhealthy() == ()
    assert detections == ()
    feed(
        detector,
        105.0,
        5.0,
        Observation("balances", 6, 4, ("CUST-0001",)),  # 40 % failed: degraded, not outage
        Observation("app", 16, 4, ("CUST-0001",)),  # 20 % of everything failed
    )
    health, detections = detector.assess(109.9)
    assert health.components["balances"] == "degraded"
    assert health.components["app"] == "degraded"
    assert [(d.kind, d.component) for d in detections] == [
        ("burn_rate", "balances"),
        ("burn_rate", "app"),
    ]
    assert health.failed_customers == {"CUST-0001"}


def test_below_threshold_stays_operational() -> None:
    detector = Detector(BurnRateDetector(POLICY))
    feed(detector, 0.0, 5.0, Observation("login", 9, 1))  # 10 % failed
    health, _ = detector.assess(4.9)
    assert health.components["login"] == "operational"


def test_silent_dependency_is_an_outage_of_its_journey() -> None:
    """A scheme that goes silent (002, 000): every interbank transfer times out at the edge,
    on-us ones still work. Only interbank is out; no request means no verdict elsewhere."""
    detector = Detector(BurnRateDetector(POLICY))
    feed(
        detector,
        0.0,
        3.0,
        Observation("transfers_interbank", 0, 3, ("CUST-0002", "CUST-0003")),
        Observation("transfers_on_us", 3, 0),
    )
    health, detections = detector.assess(2.9)
    assert health.components["transfers_interbank"] == "outage"
    assert health.components["transfers_on_us"] == "operational"
    assert "balances" not in health.components
    assert health.unhealthy() == ("transfers_interbank",)
    assert [d.component for d in detections] == ["transfers_interbank"]


def test_too_few_requests_decide_nothing_and_the_last_verdict_stands() -> None:
    detector = Detector(BurnRateDetector(POLICY))
    detector.burn.add(batch(0.0, "bill_payments", 0, 4))
    health, _ = detector.assess(0.1)
    assert "bill_payments" not in health.components
    detector.burn.add(batch(0.5, "bill_payments", 0, 6))
    assert detector.assess(0.6)[0].components["bill_payments"] == "outage"
    detector.burn.add(batch(7.0, "bill_payments", 2, 0))  # the failures left the window
    assert detector.assess(7.1)[0].components["bill_payments"] == "outage"
    detector.burn.add(batch(7.5, "bill_payments", 5, 0))
    assert detector.assess(7.6)[0].components["bill_payments"] == "operational"


def test_failures_leave_the_window() -> None:
    detector = Detector(BurnRateDetector(POLICY))
    detector.burn.add(batch(0.0, "login", 0, 10, "CUST-0001"))
    assert detector.assess(1.0)[0].components["login"] == "outage"
    detector.burn.add(batch(6.0, "login", 10, 0))
    health, _ = detector.assess(6.1)
    assert health.components["login"] == "operational"
    assert health.failed_customers == frozenset()


def test_probe_failures_in_a_row_put_the_app_in_outage() -> None:
    """The app gone silent (no feed at all): three failed probes of the edge in a row."""
    detector = Detector(BurnRateDetector(POLICY))
    detector.probe.record(True)
    assert detector.assess(0.0)[0].components["app"] == "operational"
    detector.probe.record(False)
    detector.probe.record(False)
    assert detector.assess(1.0)[0].unhealthy() == ()
    detector.probe.record(False)
    health, detections = detector.assess(1.5)
    assert health.components["app"] == "outage"
    assert [(d.kind, d.component) for d in detections] == [("probe", "app")]
    assert (detector.probe.sent, detector.probe.failed) == (4, 3)
    detector.probe.record(True)
    assert detector.assess(2.0)[0].components["app"] == "operational"


def test_a_detection_is_reported_once_per_turn_to_unhealthy() -> None:
    detector = Detector(BurnRateDetector(POLICY))
    detector.burn.add(batch(0.0, "login", 0, 10))
    assert len(detector.assess(0.1)[1]) == 1
    assert detector.assess(0.6)[1] == ()
