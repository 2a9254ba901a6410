"""`notify:<outage|breach>:<coverage|time>`: who the bank told, and how soon.

From the notifications service's export, against the `notify:` bars:

- `notify:outage:coverage`: the share of affected customers (a failed banking request due in
  the fault phase, `metrics.impact`) who got an `outage` notification delivered; fewer than
  `MIN_AFFECTED` affected customers is unknown.
- `notify:outage:time`: seconds from impact onset to the first `outage` notification sent at
  or after the fault start (one sent before the onset counts as 0 s).
- `notify:breach:coverage`: the share of every seeded customer (`load.customers`) who got a
  `breach` or `reset` notification delivered.
- `notify:breach:time`: seconds from the breach onset (the first `exfiltrate` or
  `revoke_sessions` action of the run's timeline that was carried out) to the first `breach` or
  `reset` notification sent at or after it; unknown when the timeline has no such action.

Never notified is a fail. Unknown when the notifications export is missing. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from harness.analysis.checks import EPSILON, Check, safely
from harness.analysis.evidence import Evidence
from harness.history.people import NOTIFICATIONS, NotificationsExport, problem_of
from harness.metrics.impact import affected_customers, impact_onset_s
from harness.spec.check_ids import CheckId
from harness.spec.people import NotifyBar

MIN_AFFECTED = 5
"""Fewest affected customers on which outage coverage is decided."""
REASONS = {"outage": ("outage",), "breach": ("breach", "reset")}
BREACH_ACTIONS = ("exfiltrate", "revoke_sessions")
"""Timeline action kinds that start a breach (the leak, or the forced reset it causes)."""


def breach_onset_s(evidence: Evidence, kinds: Sequence[str] = BREACH_ACTIONS) -> float | None:
    """When the first of `kinds` was carried out (epoch s), None if never."""
    started = [
        e.t_s for e in evidence.timeline if e.step == "inject" and e.kind in kinds
        and e.outcome == "ok"
    ]  # fmt: skip
    return min(started, default=None)


def _reached(sent: NotificationsExport, reasons: Sequence[str]) -> set[str]:
    return {
        d.customer_id
        for d in sent.deliveries
        if d.reason in reasons and d.delivered_at_s is not None
    }


def seeded_customers(count: int) -> frozenset[str]:
    """The ids of the `count` seeded customers (CUST-0001 ..), as the bank seeds them."""
    return frozenset(f"CUST-{n:04d}" for n in range(1, count + 1))


def _audience(evidence: Evidence, subject: str) -> tuple[frozenset[str], str]:
    """The customers to reach and who they are in words."""
    if subject == "outage":
        fault = evidence.window("fault")
        end = fault.end_s if fault is not None else evidence.run_end_s
        return affected_customers(evidence.samples, evidence.fault_start_s, end), "affected"
    return seeded_customers(evidence.customers), "seeded"


def coverage(evidence: Evidence, sent: NotificationsExport, subject: str, bar: float) -> Check:
    check_id = CheckId("notify", subject, "coverage")
    if subject == "breach" and breach_onset_s(evidence) is None:
        why = "the timeline has no exfiltrate or revoke_sessions action: no breach to tell"
        return Check(check_id, "unknown", why, None, bar)
    audience, who = _audience(evidence, subject)
    least = MIN_AFFECTED if subject == "outage" else 1
    if len(audience) < least:
        why = f"{len(audience)} {who} customers, fewer than the {least} coverage needs"
        return Check(check_id, "unknown", why, None, bar)
    told = len(audience & _reached(sent, REASONS[subject]))
    value = 100.0 * told / len(audience)
    reason = (
        f"{told} of {len(audience)} {who} customers ({value:.1f} %) got a {subject} "
        f"notification, bar >= {bar:g} %"
    )
    return Check(check_id, "pass" if value + EPSILON >= bar else "fail", reason, value, bar)


def delay(evidence: Evidence, sent: NotificationsExport, subject: str, bar: float) -> Check:
    check_id = CheckId("notify", subject, "time")
    if subject == "outage":
        onset = impact_onset_s(evidence.samples, evidence.fault_start_s, evidence.run_end_s)
        since, what = evidence.fault_start_s, "impact onset"
    else:
        onset = breach_onset_s(evidence)
        since, what = onset or 0.0, "the breach"
    if onset is None:
        why = "no banking journey was hurt" if subject == "outage" else "no breach in the timeline"
        return Check(check_id, "unknown", f"{why}: nothing to notify", None, bar)
    times = [n.at_s for n in sent.notifications if n.reason in REASONS[subject] and n.at_s >= since]
    if not times:
        reason = f"no {subject} notification was sent after {what} (bar {bar:g} s)"
        return Check(check_id, "fail", reason, None, bar)
    took = max(0.0, min(times) - onset)
    reason = f"the first {subject} notification went out {took:.1f} s after {what}, bar {bar:g} s"
    return Check(check_id, "pass" if took <= bar + EPSILON else "fail", reason, took, bar)


def checks(evidence: Evidence) -> list[Check]:
    """One check per `notify:` bar the experiment sets."""
    bars = evidence.notify
    if bars is None:
        return []
    found: list[Check] = []
    sent = evidence.people.notifications
    for subject in ("outage", "breach"):
        bar: NotifyBar | None = getattr(bars, subject)
        if bar is None:
            continue
        for metric, value, judge in (
            ("coverage", bar.coverage_pct, coverage),
            ("time", bar.within_s, delay),
        ):
            if value is None:
                continue
            check_id = CheckId("notify", subject, metric)
            if sent is None:
                found.append(Check(check_id, "unknown", problem_of(evidence.people, NOTIFICATIONS)))
                continue
            found.append(safely(check_id, partial(judge, evidence, sent, subject, value)))
    return found
