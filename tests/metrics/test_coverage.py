"""Notification coverage from hand-built delivery logs: who was owed a word, who got one, and
how soon, per customer and overall."""

from __future__ import annotations

from harness.history.people import Delivery, Notification, NotificationsExport
from harness.history.samples import Sample
from harness.metrics.coverage import coverage, owed_since_failure, sent_rows


def delivered(customer: str, at_s: float, reason: str = "outage",
              channel: str = "sms") -> Delivery:  # fmt: skip
    return Delivery("N-1", customer, channel, reason, at_s - 1.0, at_s)


def test_owed_from_each_customers_first_failed_banking_request_in_the_fault() -> None:
    samples = [
        Sample(1010.0, "balance", 503, 5.0, "failed", "A"),  # before the fault
        Sample(1022.0, "balance", 503, 5.0, "failed", "A"),
        Sample(1021.0, "transfer", 0, 5.0, "unknown", "A"),
        Sample(1023.0, "status_check", 503, 5.0, "failed", "B"),  # not a banking journey
        Sample(1024.0, "balance", 200, 5.0, "ok", "C"),
        Sample(1025.0, "balance", 503, 5.0, "failed", "D", served=False),
    ]
    assert owed_since_failure(samples, 1020.0, 1050.0) == {"A": 1021.0}


def test_coverage_share_first_notice_and_per_customer_delays() -> None:
    """A owed at 1021 told at 1024 (3 s), B owed at 1030 told at 1026 (before: 0 s), C never;
    D was told but not owed. A breach notice to A does not count for the outage."""
    owed = {"A": 1021.0, "B": 1030.0, "C": 1022.0}
    sent = NotificationsExport(
        (),
        (
            delivered("A", 1024.0), delivered("A", 1040.0), delivered("B", 1026.0),
            delivered("D", 1023.0), delivered("C", 1023.0, reason="breach"),
            Delivery("N-2", "C", "sms", "outage", 1030.0, None),  # never delivered
        ),
    )  # fmt: skip
    found = coverage("outage", owed, sent, ("outage",), onset_s=1020.5)
    assert (found.audience, found.notified) == (3, 2)
    assert found.share_pct == 66.667
    assert found.first_notice_s == 3.5  # A's delivery at 1024; D's is not in the audience
    assert found.notice_p50_s == 0.0 and found.notice_max_s == 3.0


def test_nobody_told_and_nobody_owed() -> None:
    empty = NotificationsExport((), ())
    none_told = coverage("outage", {"A": 1.0}, empty, ("outage",), onset_s=1.0)
    assert (none_told.notified, none_told.share_pct, none_told.first_notice_s) == (0, 0.0, None)
    nobody = coverage("outage", {}, empty, ("outage",), onset_s=None)
    assert nobody.share_pct is None and nobody.notice_p50_s is None


def test_sent_rows_per_reason_and_channel() -> None:
    sent = NotificationsExport(
        (
            Notification("N-1", 1.0, "sms", "outage", "INC-1", 3),
            Notification("N-2", 2.0, "sms", "outage", "INC-1", 2),
            Notification("N-3", 3.0, "email", "breach", None, 50),
        ),
        (delivered("A", 2.0), delivered("B", 3.0), delivered("A", 4.0, "breach", "email")),
    )
    rows = [(r.reason, r.channel, r.notifications, r.recipients, r.delivered)
            for r in sent_rows(sent)]  # fmt: skip
    assert rows == [("breach", "email", 1, 50, 1), ("outage", "sms", 2, 5, 2)]
