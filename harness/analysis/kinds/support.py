"""`support:wait:p95`, `support:abandonment`, `support:busy`: what the contact centre put
callers through, from its export, against the `support:` bars.

- `support:wait:p95`: the 95th percentile (nearest rank) of the seconds callers waited in the
  queue (answered, abandoned or offered a callback: every call with a wait), bar in seconds.
- `support:abandonment`: the share of calls that entered the queue (all but busy signals) and
  were abandoned (the caller hung up or ran out of patience), in percent.
- `support:busy`: the share of all calls that got a busy signal (the queue was full), percent.

Each is decided on at least `MIN_CALLS` calls (waits for the p95), else unknown; a missing
contact-centre export is unknown. Pure.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from harness.analysis.checks import EPSILON, Check, safely
from harness.analysis.evidence import Evidence
from harness.history.people import CONTACT_CENTRE, ContactExport, problem_of
from harness.metrics import nearest_rank
from harness.spec.check_ids import CheckId

MIN_CALLS = 5
"""Fewest calls (or waits) on which a support bar is decided."""


def _thin(check_id: CheckId, count: int, what: str, bar: float) -> Check:
    reason = f"{count} {what}, fewer than the {MIN_CALLS} a support bar needs"
    return Check(check_id, "unknown", reason, None, bar)


def wait_p95(centre: ContactExport, bar: float) -> Check:
    check_id = CheckId("support", "wait", "p95")
    waits = sorted(c.wait_s for c in centre.calls if c.wait_s is not None)
    if len(waits) < MIN_CALLS:
        return _thin(check_id, len(waits), "calls waited in the queue", bar)
    p95 = nearest_rank(waits, 95.0) or 0.0
    reason = (
        f"callers' wait p95 {p95:.1f} s over {len(waits)} queued calls "
        f"({centre.agents} agents), bar <= {bar:g} s"
    )
    return Check(check_id, "pass" if p95 <= bar + EPSILON else "fail", reason, p95, bar)


def abandonment(centre: ContactExport, bar: float) -> Check:
    check_id = CheckId("support", "abandonment")
    queued = [c for c in centre.calls if c.outcome != "busy"]
    if len(queued) < MIN_CALLS:
        return _thin(check_id, len(queued), "calls entered the queue", bar)
    gave_up = sum(1 for c in queued if c.outcome == "abandoned")
    value = 100.0 * gave_up / len(queued)
    reason = f"{gave_up} of {len(queued)} queued calls abandoned ({value:.1f} %), bar <= {bar:g} %"
    return Check(check_id, "pass" if value <= bar + EPSILON else "fail", reason, value, bar)


def busy(centre: ContactExport, bar: float) -> Check:
    check_id = CheckId("support", "busy")
    calls = centre.calls
    if len(calls) < MIN_CALLS:
        return _thin(check_id, len(calls), "calls", bar)
    signals = sum(1 for c in calls if c.outcome == "busy")
    value = 100.0 * signals / len(calls)
    reason = (
        f"{signals} of {len(calls)} calls got a busy signal ({value:.1f} %, queue of "
        f"{centre.queue_max}), bar <= {bar:g} %"
    )
    return Check(check_id, "pass" if value <= bar + EPSILON else "fail", reason, value, bar)


def checks(evidence: Evidence) -> list[Check]:
    """One check per `support:` bar the experiment sets."""
    bars = evidence.support
    if bars is None:
        return []
    wanted: list[tuple[CheckId, float | None, Callable[[ContactExport, float], Check]]] = [
        (CheckId("support", "wait", "p95"), bars.wait_p95_s, wait_p95),
        (CheckId("support", "abandonment"), bars.abandoned_pct, abandonment),
        (CheckId("support", "busy"), bars.busy_pct, busy),
    ]
    centre = evidence.people.contact
    found: list[Check] = []
    for check_id, bar, judge in wanted:
        if bar is None:
            continue
        if centre is None:
            why = problem_of(evidence.people, CONTACT_CENTRE)
            found.append(Check(check_id, "unknown", why, None, bar))
            continue
        found.append(safely(check_id, partial(judge, centre, bar)))
    return found
