"""The communication timeline over hand-built runs: impact, detection, the status page's words
and the notifications, as offsets from t0, against what customers went through."""

from __future__ import annotations

from collections.abc import Sequence

from harness.history.people import Detection, Notification, NotificationsExport, StatusExport
from harness.history.samples import Sample
from harness.metrics.comms_timeline import MAX_PER_KIND, CommsTimeline, comms_timeline
from tests.analysis.people_runs import (
    FAULT_START,
    RUN_END,
    T0,
    healthy,
    incident,
    notified,
    outage,
    told_nothing,
    told_well,
)


def timeline(
    samples: Sequence[Sample],
    status: StatusExport | None = None,
    sent: NotificationsExport | None = None,
) -> CommsTimeline:
    return comms_timeline(samples, status, sent, t0_s=T0, fault_start_s=FAULT_START,
                          run_end_s=RUN_END, whole_window_s=5)  # fmt: skip


def test_the_moments_of_a_well_told_outage_in_order_from_t0() -> None:
    """Onset at +22, detection +23.5, opened +24 (its first update folded in), four updates,
    resolved +46, notified +25, whole again +40."""
    found = timeline(outage(), told_well(), notified(["CUST-0001", "CUST-0002"]))
    assert [(m.offset_s, m.moment) for m in found.moments] == [
        (22.0, "impact"),
        (23.5, "detection"),
        (24.0, "opened"),
        (25.0, "notification"),
        (29.0, "update"),
        (34.0, "update"),
        (39.0, "update"),
        (40.0, "whole_again"),
        (44.0, "update"),
        (46.0, "resolved"),
    ]
    opened = found.of("opened")[0]
    assert opened.subject == "INC-1" and opened.estimated_restoration_s == 84.0
    assert "balances, transfers_on_us" in opened.detail and "looking" in opened.detail
    assert found.of("notification")[0].recipients == 2


def test_headline_delays_count_from_impact_onset() -> None:
    found = timeline(outage(), told_well(), notified(["CUST-0001"]))
    assert found.impact_onset_s == 22.0 and found.whole_again_s == 40.0
    assert found.detected_after_onset_s == 1.5
    assert found.told_after_onset_s == 2.0
    assert found.notified_after_onset_s == 3.0


def test_a_silent_bank_has_only_what_customers_went_through() -> None:
    """No detection, no word, no notice: the delays are None, the impact is still there."""
    found = timeline(outage(), told_nothing(), NotificationsExport((), ()))
    assert [m.moment for m in found.moments] == ["impact", "whole_again"]
    assert found.detected_after_onset_s is None
    assert found.told_after_onset_s is None
    assert found.notified_after_onset_s is None


def test_availability_per_second_is_what_the_banking_journeys_got() -> None:
    """100 % before the onset, 0 % while everything failed, 100 % once whole again."""
    found = timeline(outage(), told_well())
    assert found.bucket_s == 1 and len(found.offset_s) == 80
    by_offset = dict(zip(found.offset_s, found.availability_pct, strict=True))
    assert by_offset[10.0] == 100.0 and by_offset[30.0] == 0.0 and by_offset[45.0] == 100.0


def test_nothing_hurt_means_no_onset_and_no_delays() -> None:
    found = timeline(healthy(), told_well())
    assert found.impact_onset_s is None and found.whole_again_s is None
    assert found.told_after_onset_s is None
    assert "impact" not in [m.moment for m in found.moments]


def test_notifications_in_one_second_are_one_moment_with_their_count() -> None:
    """Three outage notifications within one second and one breach one: two moments."""
    sent = NotificationsExport(
        (
            Notification("N-1", 1025.1, "sms", "outage", "INC-1", 5),
            Notification("N-2", 1025.6, "push", "outage", "INC-1", 4),
            Notification("N-3", 1025.9, "sms", "outage", "INC-1", 1),
            Notification("N-4", 1025.5, "email", "breach", None, 20),
        ),
        (),
    )
    found = timeline(outage(), None, sent).of("notification")
    assert [(m.offset_s, m.subject, m.notifications, m.recipients) for m in found] == [
        (25.1, "outage", 3, 10),
        (25.5, "breach", 1, 20),
    ]
    assert "by push, sms to 10 customers" in found[0].detail


def test_an_update_that_resolves_is_one_resolved_moment() -> None:
    """A resolved update at the incident's resolved time is not counted twice."""
    found = timeline(outage(), StatusExport((incident(1024.0, (1024.0,), resolved=1046.0),), (),
                                            0, 0))  # fmt: skip
    assert [m.offset_s for m in found.of("resolved")] == [46.0]
    assert found.of("update") == []


def test_a_flapping_detector_is_kept_to_a_bounded_number_of_moments() -> None:
    noisy = tuple(Detection(1021.0 + k * 0.01, "probe", "app", "down") for k in range(500))
    found = timeline(outage(), StatusExport((), noisy, 500, 500))
    assert len(found.of("detection")) == MAX_PER_KIND
