"""`cleanup:<fault kind>`: a fault that could not be healed stayed in place after its span.

The fault was applied as written, so a failure the bank showed stands; but the recovery that
followed was measured on a bank still under the fault, so the check is unknown (a run with
nothing else failing is then inconclusive, never a pass).
"""

from __future__ import annotations

from harness.analysis.checks import Check
from harness.analysis.evidence import Evidence
from harness.analysis.kinds.timeline import steps_not_ok


def checks(evidence: Evidence) -> list[Check]:
    return steps_not_ok(evidence, "heal", "cleanup", "could not be healed")
