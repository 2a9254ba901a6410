"""`timeline:<fault kind>`: a fault that could not be injected or healed leaves the run undecided.

The bank was not put through what the experiment says, so the run says nothing about it: the
check is unknown, naming the first step that did not end ok and how many did not.
"""

from __future__ import annotations

from harness.analysis.checks import Check
from harness.analysis.evidence import Evidence
from harness.spec.check_ids import CheckId


def checks(evidence: Evidence) -> list[Check]:
    broken = [e for e in evidence.timeline if e.outcome != "ok"]
    if not broken:
        return []
    step = broken[0]
    return [
        Check(
            CheckId("timeline", step.kind),
            "unknown",
            f"{len(broken)} timeline step(s) did not end ok, first: {step.step} "
            f"{step.description}: {step.error}",
        )
    ]
