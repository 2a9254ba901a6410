"""The people half's figures of a run, as `RunResult.people`: the communication timeline, the
notification coverage and the contact centre's figures.

Each part is there only when the run stored the export it reads (the communication timeline
needs the status page's or the notifications' export; coverage the notifications'; contact
figures the contact centre's); `people_figures` is None when the run stored none of them.
Outage coverage counts the affected customers (a failed banking request in the fault phase)
from their first failure; breach coverage every seeded customer from the first carried-out
`exfiltrate` or `revoke_sessions` action, and only when the timeline has one. Pure over the
evidence; the report draws these and computes nothing more. Judges nothing (the `comms:`,
`notify:`, `detect:` and `support:` checks do).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.analysis.evidence import Evidence
from harness.analysis.kinds.comms import DEFAULT_WHOLE_WINDOW_S
from harness.analysis.kinds.notify import REASONS, breach_onset_s, seeded_customers
from harness.history.people import NotificationsExport
from harness.metrics.comms_timeline import CommsTimeline, comms_timeline
from harness.metrics.contact import ContactFigures, contact_figures
from harness.metrics.coverage import Coverage, SentRow, coverage, owed_since_failure, sent_rows
from harness.metrics.impact import impact_onset_s


@dataclass(frozen=True)
class NotificationFigures:
    coverage: tuple[Coverage, ...]
    """`outage` first, then `breach` when the run had one."""
    sent: tuple[SentRow, ...]


@dataclass(frozen=True)
class PeopleFigures:
    comms: CommsTimeline | None = None
    notifications: NotificationFigures | None = None
    contact: ContactFigures | None = None


def notification_figures(evidence: Evidence, sent: NotificationsExport) -> NotificationFigures:
    """Outage coverage, breach coverage (when the timeline had a breach) and the tallies."""
    fault = evidence.window("fault")
    fault_end_s = fault.end_s if fault is not None else evidence.run_end_s
    owed = owed_since_failure(evidence.samples, evidence.fault_start_s, fault_end_s)
    onset = impact_onset_s(evidence.samples, evidence.fault_start_s, evidence.run_end_s)
    found = [coverage("outage", owed, sent, REASONS["outage"], onset)]
    breach = breach_onset_s(evidence)
    if breach is not None:
        everyone = dict.fromkeys(seeded_customers(evidence.customers), breach)
        found.append(coverage("breach", everyone, sent, REASONS["breach"], breach))
    return NotificationFigures(tuple(found), sent_rows(sent))


def people_figures(evidence: Evidence, t0_s: float) -> PeopleFigures | None:
    """The people figures of a judged run; None when it stored no people service's export."""
    people = evidence.people
    if people.status is None and people.notifications is None and people.contact is None:
        return None
    window_s = evidence.recovery[0].window_s if evidence.recovery else DEFAULT_WHOLE_WINDOW_S
    comms = None
    if people.status is not None or people.notifications is not None:
        comms = comms_timeline(
            evidence.samples,
            people.status,
            people.notifications,
            t0_s=t0_s,
            fault_start_s=evidence.fault_start_s,
            run_end_s=evidence.run_end_s,
            whole_window_s=window_s,
        )
    return PeopleFigures(
        comms=comms,
        notifications=(
            None
            if people.notifications is None
            else notification_figures(evidence, people.notifications)
        ),
        contact=(
            None
            if people.contact is None
            else contact_figures(people.contact, t0_s, evidence.run_end_s)
        ),
    )
