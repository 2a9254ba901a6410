"""`timeline:<fault kind>`: a fault that could not be injected means the experiment was not
carried out as written, so the run says nothing about the bank (inconclusive).

The check is unknown, naming the first inject that did not end ok and how many did not; an
interrupted inject counts too. Heals are judged by the `cleanup` kind, with `steps_not_ok`.
"""

from __future__ import annotations

from harness.analysis.checks import Check
from harness.analysis.evidence import Evidence
from harness.history.record import Step
from harness.spec.check_ids import CheckId


def steps_not_ok(evidence: Evidence, step: Step, kind: str, what: str) -> list[Check]:
    """One unknown `<kind>:<fault kind>` check when some `step` did not end ok, else none."""
    broken = [e for e in evidence.timeline if e.step == step and e.outcome != "ok"]
    if not broken:
        return []
    first = broken[0]
    reason = f"{len(broken)} fault(s) {what}, first: {first.description}: {first.error}"
    return [Check(CheckId(kind, first.kind), "unknown", reason)]


def checks(evidence: Evidence) -> list[Check]:
    return steps_not_ok(evidence, "inject", "timeline", "could not be injected")
