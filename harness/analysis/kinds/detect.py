"""`detect:<availability|security>:time`: how soon the bank noticed, by its own detection.

From the status service's export (its `detections` and the incidents it opened), against the
`detect:` bars:

- `detect:availability:time`: seconds from impact onset (`metrics.impact`) to the first
  availability detection (`probe`, `burn_rate`) or availability incident opened (by any source,
  a human's post included) at or after the fault start; one before the onset counts as 0 s.
  Unknown when no banking journey was hurt.
- `detect:security:time`: seconds from the start of the run's first carried-out `exfiltrate`
  action to the first security detection (`honeytoken`, `access_anomaly`) or security incident
  opened at or after it. Not made at all when the timeline has no `exfiltrate` action.

Never detected is a fail; a missing status export is unknown. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from harness.analysis.checks import EPSILON, Check, safely
from harness.analysis.evidence import Evidence
from harness.analysis.kinds.notify import breach_onset_s
from harness.history.people import (
    AVAILABILITY_SOURCES,
    SECURITY_SOURCES,
    STATUS,
    StatusExport,
    problem_of,
)
from harness.metrics.impact import impact_onset_s
from harness.spec.check_ids import CheckId

SUBJECTS = {"availability": AVAILABILITY_SOURCES, "security": SECURITY_SOURCES}


def first_detection_s(
    status: StatusExport, kind: str, sources: Sequence[str], since_s: float
) -> float | None:
    """The first detection of `sources`, or incident of `kind` opened, at or after `since_s`."""
    seen = [d.at_s for d in status.detections if d.kind in sources and d.at_s >= since_s]
    seen += [i.opened_at_s for i in status.incidents if i.kind == kind and i.opened_at_s >= since_s]
    return min(seen, default=None)


def time_to_detect(evidence: Evidence, status: StatusExport, subject: str, bar: float) -> Check:
    check_id = CheckId("detect", subject, "time")
    if subject == "availability":
        onset = impact_onset_s(evidence.samples, evidence.fault_start_s, evidence.run_end_s)
        since, what = evidence.fault_start_s, "impact onset"
        if onset is None:
            why = "no banking journey was hurt: nothing to detect"
            return Check(check_id, "unknown", why, None, bar)
    else:
        onset = breach_onset_s(evidence, ("exfiltrate",))
        assert onset is not None  # checks() makes no security check without an exfiltration
        since, what = onset, "the exfiltration began"
    first = first_detection_s(status, subject, SUBJECTS[subject], since)
    if first is None:
        reason = f"no {subject} detection after {what} (bar {bar:g} s)"
        return Check(check_id, "fail", reason, None, bar)
    took = max(0.0, first - onset)
    reason = f"{subject} detected {took:.1f} s after {what}, bar {bar:g} s"
    return Check(check_id, "pass" if took <= bar + EPSILON else "fail", reason, took, bar)


def checks(evidence: Evidence) -> list[Check]:
    """One check per `detect:` bar the experiment sets (security only with an exfiltration)."""
    bars = evidence.detect
    if bars is None:
        return []
    wanted = {"availability": bars.availability_within_s, "security": bars.security_within_s}
    if breach_onset_s(evidence, ("exfiltrate",)) is None:
        wanted["security"] = None
    found: list[Check] = []
    for subject, bar in wanted.items():
        if bar is None:
            continue
        check_id = CheckId("detect", subject, "time")
        status = evidence.people.status
        if status is None:
            found.append(Check(check_id, "unknown", problem_of(evidence.people, STATUS), None, bar))
            continue
        found.append(safely(check_id, partial(time_to_detect, evidence, status, subject, bar)))
    return found
