"""`cleanup:<fault kind>`: a fault that could not be healed stayed in place after its span.

The fault was applied as written, so a failure the bank showed stands; but the recovery that
followed was measured on a bank still under the fault, so the check is unknown (a run with
nothing else failing is then inconclusive, never a pass).
"""

from __future__ import annotations

from harness.analysis.checks import Check
from harness.analysis.evidence import Evidence
from harness.spec.check_ids import CheckId


def checks(evidence: Evidence) -> list[Check]:
    broken = [e for e in evidence.timeline if e.step == "heal" and e.outcome != "ok"]
    if not broken:
        return []
    step = broken[0]
    return [
        Check(
            CheckId("cleanup", step.kind),
            "unknown",
            f"{len(broken)} fault(s) could not be healed, first: {step.description}: {step.error}",
        )
    ]
