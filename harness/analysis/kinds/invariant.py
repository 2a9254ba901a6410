"""`invariant:<name>`: one check per invariant the experiment names.

The checkers have already run, once each, when the evidence was built; this kind only judges
their results: ok passes, failed fails, unknown stays unknown. The measured figure is the
number of violating cases.
"""

from __future__ import annotations

from harness.analysis.checks import Check
from harness.analysis.evidence import Evidence
from harness.history.outcomes import judged
from harness.spec.check_ids import CheckId


def checks(evidence: Evidence) -> list[Check]:
    return [
        Check(
            CheckId("invariant", r.name),
            judged(r.status),
            r.summary,
            float(sum(v.count for v in r.violations)),
            0.0,
        )
        for r in evidence.invariants
    ]
