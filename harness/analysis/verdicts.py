"""Verdicts: the run's checks merged into one, and that one held against the expectation.

Checks merge as fail > unknown > pass (Jepsen's compose). An expectation names a verdict and,
for a fail, the check ids (or id globs) that must be among the failing ones. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from harness.analysis.checks import Check
from harness.history.outcomes import Judgement


@dataclass(frozen=True)
class Verdict:
    status: Judgement
    reasons: tuple[str, ...]
    failed: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    passed: tuple[str, ...] = ()


def overall(checks: Sequence[Check]) -> Verdict:
    """Merge checks: any fail fails, else any unknown is unknown, else pass."""
    ids = {
        s: tuple(str(c.id) for c in checks if c.status == s) for s in ("fail", "unknown", "pass")
    }
    if not checks:
        return Verdict("unknown", ("no check was evaluated",))
    status: Judgement = "fail" if ids["fail"] else "unknown" if ids["unknown"] else "pass"
    if status == "pass":
        reasons: tuple[str, ...] = (f"all {len(checks)} checks passed",)
    else:
        reasons = tuple(f"{c.id}: {c.reason}" for c in checks if c.status == status)
    return Verdict(status, reasons, ids["fail"], ids["unknown"], ids["pass"])


def matches_expectation(
    verdict: Verdict, expected_status: Judgement, expected_because: Sequence[str]
) -> tuple[bool, str]:
    """Whether the verdict is the expected one for the expected reasons (ids or id globs)."""
    if verdict.status != expected_status:
        why = verdict.reasons[0] if verdict.reasons else "no reason"
        return False, f"expected {expected_status} but the run gave {verdict.status}: {why}"
    pool = {"fail": verdict.failed, "unknown": verdict.unknown, "pass": verdict.passed}[
        expected_status
    ]
    missing = [p for p in expected_because if not any(fnmatchcase(i, p) for i in pool)]
    if missing:
        return False, (
            f"{expected_status} as expected, but not because of {', '.join(missing)} "
            f"({expected_status} checks: {', '.join(pool) or 'none'})"
        )
    because = f" because of {', '.join(expected_because)}" if expected_because else ""
    return True, f"{expected_status} as expected{because}"
