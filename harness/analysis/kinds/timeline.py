"""`timeline:<fault kind>`: a fault that could not be injected means the experiment was not
carried out as written, so the run says nothing about the bank (inconclusive).

The check is unknown, naming the first inject that did not end ok and how many did not; an
interrupted inject counts too. Heals are judged by the `cleanup` kind.
"""

from __future__ import annotations

from harness.analysis.checks import Check
from harness.analysis.evidence import Evidence
from harness.spec.check_ids import CheckId


def checks(evidence: Evidence) -> list[Check]:
    broken = [e for e in evidence.timeline if e.step == "inject" and e.outcome != "ok"]
    if not broken:
        return []
    step = broken[0]
    return [
        Check(
            CheckId("timeline", step.kind),
            "unknown",
            f"{len(broken)} fault(s) could not be injected, first: {step.description}: "
            f"{step.error}",
        )
    ]
