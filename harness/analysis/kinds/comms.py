"""`comms:status:<metric>`: what the status page told customers while they were hurt.

Read from the status service's export and the load's samples, against the `comms:` bars:

- `first_update`: seconds from impact onset (`metrics.impact`) to the first moment at or after
  the fault start when an incident was opened or updated; an update before the onset counts as
  0 s. Never told is a fail.
- `reachable`: the share of customers' `status_check` reads due in the fault phase that were
  answered ok (unserved and unknown count as not ok, as in `slo:`); fewer than `MIN_READS`
  reads is unknown.
- `cadence`: the longest silence while an incident was open: between its opening, its updates
  and its resolution (or the run's end while still open). With no incident at all while
  customers were hurt, the silence is impact onset to whole again (or the run's end).
- `premature_resolved`: no availability incident marked resolved between impact onset and the
  moment every hurt journey was whole again (`metrics.impact.whole_again_s`, over the recovery
  bar's `window_s`, else 5 s).
- `components`: every banking journey hurt in the fault phase is covered by a component that an
  availability incident named (`app` covers every journey: the whole app announced down).

Unknown when the status export is missing or no banking journey was hurt (nothing to tell).
Pure; the figures are in seconds or percent.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import partial

from harness.analysis.checks import EPSILON, Check, safely
from harness.analysis.evidence import Evidence
from harness.history.people import STATUS, Incident, StatusExport, problem_of
from harness.metrics import phase_stats
from harness.metrics.impact import hurt_journeys, impact_onset_s, whole_again_s
from harness.spec.check_ids import CheckId
from harness.spec.people import CommsBars

MIN_READS = 5
"""Fewest status-page reads in the fault phase on which `reachable` is decided."""
DEFAULT_WHOLE_WINDOW_S = 5
JOURNEY_COMPONENTS = {
    "login": ("login",),
    "balance": ("balances",),
    "movements": ("balances",),
    "transfer": ("transfers_on_us", "transfers_interbank"),
    "bill_payment": ("bill_payments",),
}
WHOLE_APP = "app"


def _onset(evidence: Evidence) -> float | None:
    return impact_onset_s(evidence.samples, evidence.fault_start_s, evidence.run_end_s)


def _whole_window_s(evidence: Evidence) -> int:
    return evidence.recovery[0].window_s if evidence.recovery else DEFAULT_WHOLE_WINDOW_S


def _open_during(incident: Incident, start_s: float, end_s: float) -> bool:
    closed = incident.resolved_at_s
    return incident.opened_at_s <= end_s and (closed is None or closed >= start_s)


def _judge(check_id: CheckId, ok: bool, reason: str, value: float | None, bar: float) -> Check:
    return Check(check_id, "pass" if ok else "fail", reason, value, bar)


def first_update(evidence: Evidence, status: StatusExport, bar: float) -> Check:
    check_id = CheckId("comms", "status", "first_update")
    onset = _onset(evidence)
    if onset is None:
        return Check(check_id, "unknown", "no banking journey was hurt: nothing to tell", None, bar)
    told = [t for i in status.incidents for t in i.communicated_s() if t >= evidence.fault_start_s]
    if not told:
        reason = f"customers were hurt and the status page never said so (bar {bar:g} s)"
        return Check(check_id, "fail", reason, None, bar)
    delay = max(0.0, min(told) - onset)
    reason = f"the status page first spoke {delay:.1f} s after impact onset, bar {bar:g} s"
    return _judge(check_id, delay <= bar + EPSILON, reason, delay, bar)


def reachable(evidence: Evidence, bar: float) -> Check:
    check_id = CheckId("comms", "status", "reachable")
    fault = evidence.window("fault")
    if fault is None:
        return Check(check_id, "unknown", "this run has no fault phase", None, bar)
    stats = phase_stats(evidence.samples, "status_check", fault)
    if stats.requests < MIN_READS:
        reason = f"{stats.requests} status-page reads in the fault phase, fewer than {MIN_READS}"
        return Check(check_id, "unknown", reason, None, bar)
    value = stats.availability_pct or 0.0
    reason = (
        f"the status page answered {value:.1f} % of {stats.requests} customers' reads "
        f"during the fault, bar >= {bar:g} %"
    )
    return _judge(check_id, value + EPSILON >= bar, reason, value, bar)


def _longest_silence(incident: Incident, run_end_s: float) -> tuple[float, float]:
    """(longest gap in s, when it began) while `incident` was open, up to the run's end."""
    end = min(incident.resolved_at_s or run_end_s, run_end_s)
    moments = sorted({*(t for t in incident.communicated_s() if t <= end), end})
    gaps = [(b - a, a) for a, b in itertools.pairwise(moments)]
    return max(gaps, default=(0.0, incident.opened_at_s))


def cadence(evidence: Evidence, status: StatusExport, bar: float) -> Check:
    check_id = CheckId("comms", "status", "cadence")
    onset = _onset(evidence)
    open_ones = [
        i for i in status.incidents
        if _open_during(i, evidence.fault_start_s, evidence.run_end_s)
    ]  # fmt: skip
    if not open_ones:
        if onset is None:
            return Check(check_id, "unknown", "no incident and no customer hurt", None, bar)
        whole = whole_again_s(
            evidence.samples, evidence.fault_start_s, evidence.run_end_s, _whole_window_s(evidence)
        )
        silence = (whole or evidence.run_end_s) - onset
        reason = f"no incident was open while customers were hurt: {silence:.0f} s of silence"
        return Check(check_id, "fail", f"{reason}, bar {bar:g} s", silence, bar)
    silences = [(_longest_silence(i, evidence.run_end_s)[0], i) for i in open_ones]
    worst, incident = max(silences, key=lambda pair: pair[0])
    reason = (
        f"longest silence while incident {incident.incident_id} was open: {worst:.1f} s "
        f"({len(incident.updates)} updates), bar {bar:g} s"
    )
    return _judge(check_id, worst <= bar + EPSILON, reason, worst, bar)


def premature_resolved(evidence: Evidence, status: StatusExport) -> Check:
    check_id = CheckId("comms", "status", "premature_resolved")
    onset = _onset(evidence)
    if onset is None:
        return Check(check_id, "unknown", "no banking journey was hurt: nothing to resolve", 0.0)
    window_s = _whole_window_s(evidence)
    whole = whole_again_s(evidence.samples, evidence.fault_start_s, evidence.run_end_s, window_s)
    early = [
        (r, i.incident_id)
        for i in status.incidents if i.kind == "availability"
        for r in i.resolutions_s() if r >= onset and (whole is None or r < whole)
    ]  # fmt: skip
    held = f"whole again for {window_s} s"
    whole_text = f"never {held}" if whole is None else f"{held} at +{whole - onset:.0f} s"
    if not early:
        reason = f"nothing was marked resolved before recovery ({whole_text} after onset)"
        return Check(check_id, "pass", reason, 0.0, 0.0)
    at, incident_id = min(early)
    reason = (
        f"incident {incident_id} marked resolved at +{at - onset:.0f} s after onset while "
        f"customers still failed ({whole_text})"
    )
    return Check(check_id, "fail", reason, float(len(early)), 0.0)


def _covered(journey: str, shown: set[str]) -> bool:
    return WHOLE_APP in shown or any(c in shown for c in JOURNEY_COMPONENTS[journey])


def components(evidence: Evidence, status: StatusExport) -> Check:
    check_id = CheckId("comms", "status", "components")
    fault = evidence.window("fault")
    hurt = hurt_journeys(evidence.samples, evidence.fault_start_s, fault.end_s if fault else 0.0)
    if not hurt:
        return Check(check_id, "unknown", "no banking journey was hurt in the fault phase", 0.0)
    shown = {
        c for i in status.incidents
        if i.kind == "availability" and _open_during(i, evidence.fault_start_s, evidence.run_end_s)
        for c in i.components
    }  # fmt: skip
    missing = [j for j in hurt if not _covered(j, shown)]
    named = ", ".join(sorted(shown)) or "none"
    if missing:
        reason = f"hurt but not named: {', '.join(missing)} (components shown: {named})"
        return Check(check_id, "fail", reason, float(len(missing)), 0.0)
    reason = f"every hurt journey ({', '.join(hurt)}) was named (components shown: {named})"
    return Check(check_id, "pass", reason, 0.0, 0.0)


def _status_checks(evidence: Evidence, bars: CommsBars) -> list[tuple[str, Callable[..., Check]]]:
    found: list[tuple[str, Callable[..., Check]]] = []
    if bars.first_update_within_s is not None:
        found.append(("first_update", partial(first_update, bar=bars.first_update_within_s)))
    if bars.max_update_gap_s is not None:
        found.append(("cadence", partial(cadence, bar=bars.max_update_gap_s)))
    if bars.resolved_after_recovery:
        found.append(("premature_resolved", premature_resolved))
    if bars.components_shown:
        found.append(("components", components))
    return found


def checks(evidence: Evidence) -> list[Check]:
    """One check per `comms:` bar the experiment sets."""
    bars = evidence.comms
    if bars is None:
        return []
    found: list[Check] = []
    status = evidence.people.status
    for metric, judge in _status_checks(evidence, bars):
        check_id = CheckId("comms", "status", metric)
        if status is None:
            found.append(Check(check_id, "unknown", problem_of(evidence.people, STATUS)))
            continue
        found.append(safely(check_id, partial(judge, evidence, status)))
    if bars.reachable_pct is not None:
        bar = bars.reachable_pct
        reach_id = CheckId("comms", "status", "reachable")
        found.append(safely(reach_id, partial(reachable, evidence, bar)))
    return found
