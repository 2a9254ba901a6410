"""`abort:<journey>`: an abort rule of the experiment stopped the run (journey or `any`).

Fails when the run recorded an abort; a run that went to its end has no abort check.
"""

from __future__ import annotations

from harness.analysis.checks import Check
from harness.analysis.evidence import Evidence
from harness.spec.check_ids import CheckId


def checks(evidence: Evidence) -> list[Check]:
    if evidence.abort is None:
        return []
    return [Check(CheckId("abort", evidence.abort.journey), "fail", evidence.abort.reason)]
