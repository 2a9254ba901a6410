"""`notify:*` on hand-built runs: a bank that told affected (or, after a breach, all) customers
in time passes; a bank that only posts on its website (no notification: the hardened
`notify_customers` switched off) fails; too few affected customers or no breach is unknown."""

from __future__ import annotations

from collections.abc import Sequence

from harness.analysis.checks import Check
from harness.analysis.kinds import notify
from harness.history.people import NotificationsExport, PeopleExports
from harness.history.samples import Sample
from harness.spec.people import NotifyBar, NotifyBars
from tests.analysis.people_runs import (
    CUSTOMERS,
    evidence,
    healthy,
    inject,
    notified,
    outage,
    traffic,
)

OUTAGE = NotifyBars(outage=NotifyBar(coverage_pct=90.0, within_s=10.0))
BREACH = NotifyBars(breach=NotifyBar(coverage_pct=100.0, within_s=60.0))
SILENT = NotificationsExport((), ())


def judged(
    sent: NotificationsExport | None,
    bars: NotifyBars = OUTAGE,
    samples: Sequence[Sample] | None = None,
    **changes: object,
) -> dict[str, Check]:
    run = evidence(outage() if samples is None else samples, notify=bars,
                   people=PeopleExports(notifications=sent), **changes)  # fmt: skip
    return {str(c.id): c for c in notify.checks(run)}


def test_every_affected_customer_told_in_time_passes() -> None:
    found = judged(notified(CUSTOMERS, at_s=1025.0))
    coverage, time = found["notify:outage:coverage"], found["notify:outage:time"]
    assert (coverage.status, coverage.measured, coverage.target) == ("pass", 100.0, 90.0)
    assert "20 of 20 affected customers (100.0 %)" in coverage.reason
    assert (time.status, time.measured) == ("pass", 3.0)


def test_no_notification_fails_both_outage_bars() -> None:
    """The mechanism off: the bank posts on its website only."""
    found = judged(SILENT)
    assert found["notify:outage:coverage"].status == "fail"
    assert found["notify:outage:coverage"].measured == 0.0
    assert found["notify:outage:time"].status == "fail"
    assert "no outage notification" in found["notify:outage:time"].reason


def test_too_few_told_or_too_late_fails() -> None:
    found = judged(notified(CUSTOMERS[:10], at_s=1045.0))
    assert found["notify:outage:coverage"].measured == 50.0
    assert found["notify:outage:coverage"].status == "fail"
    assert found["notify:outage:time"].measured == 23.0
    assert found["notify:outage:time"].status == "fail"


def test_customers_only_told_of_a_breach_do_not_count_as_told_of_the_outage() -> None:
    found = judged(notified(CUSTOMERS, reason="breach"))
    assert found["notify:outage:coverage"].status == "fail"


def test_no_affected_customer_is_unknown() -> None:
    found = judged(notified(CUSTOMERS), samples=healthy())
    assert found["notify:outage:coverage"].status == "unknown"
    assert found["notify:outage:time"].status == "unknown"
    few = traffic(lambda t, journey: t == 1030.0 and journey == "balance")
    assert judged(notified(CUSTOMERS), samples=few)["notify:outage:coverage"].status == "unknown"


def test_a_breach_notice_to_every_customer_in_time_passes() -> None:
    leak = (inject("exfiltrate", 1025.0),)
    found = judged(notified(CUSTOMERS, at_s=1060.0, reason="reset"), BREACH, timeline=leak)
    assert found["notify:breach:coverage"].status == "pass"
    assert (found["notify:breach:time"].status, found["notify:breach:time"].measured) == (
        "pass", 35.0,
    )  # fmt: skip


def test_a_breach_told_to_nobody_or_to_some_fails() -> None:
    leak = (inject("revoke_sessions", 1025.0),)
    found = judged(SILENT, BREACH, timeline=leak)
    assert found["notify:breach:coverage"].status == "fail"
    assert found["notify:breach:time"].status == "fail"
    some = judged(notified(CUSTOMERS[:19], reason="breach"), BREACH, timeline=leak)
    assert some["notify:breach:coverage"].measured == 95.0
    assert some["notify:breach:coverage"].status == "fail"


def test_no_breach_in_the_timeline_or_no_export_is_unknown() -> None:
    found = judged(notified(CUSTOMERS, reason="breach"), BREACH)
    assert {c.status for c in found.values()} == {"unknown"}
    failed_inject = (inject("exfiltrate", 1025.0, outcome="failed"),)
    found = judged(notified(CUSTOMERS, reason="breach"), BREACH, timeline=failed_inject)
    assert {c.status for c in found.values()} == {"unknown"}
    found = judged(None, BREACH, timeline=(inject("exfiltrate", 1025.0),))
    assert {c.status for c in found.values()} == {"unknown"}
    assert "no notifications export" in found["notify:breach:time"].reason
