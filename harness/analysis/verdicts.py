"""Verdicts: the run's checks merged into one, and that one held against the expectation.

A run is `pass`, `fail` or `inconclusive`. It is inconclusive, and says nothing about the bank,
when the steady state did not hold before the first fault (a baseline SLO check failed: Chaos
Toolkit's steady-state hypothesis), when the experiment was not carried out as written (a fault
that could not be injected, a load generator or a machine whose CPUs were busy with other work:
an undecided check of an `INFRASTRUCTURE_KINDS` kind), or when every other check passed but some
could not be decided (too few requests). Otherwise checks merge as fail > undecided > pass
(Jepsen's compose): a fail decided on enough evidence stands beside an undecided check. An
inconclusive run is never counted as a detection or a miss. An expectation names a verdict and,
for a fail, the check ids (or id globs) that must be among the failing ones. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from harness.analysis.checks import Check

RunVerdict = Literal["pass", "fail", "inconclusive"]
STEADY_STATE_PHASE = "baseline"
INFRASTRUCTURE_KINDS = ("timeline", "load", "machine")
"""Check kinds about the harness carrying out the experiment, not about the bank."""


@dataclass(frozen=True)
class Verdict:
    status: RunVerdict
    reasons: tuple[str, ...]
    failed: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    passed: tuple[str, ...] = ()


def steady_state_broken(check: Check) -> bool:
    """A failed SLO check of the baseline: the bank was not healthy before the fault."""
    return check.kind == "slo" and check.id.phase == STEADY_STATE_PHASE and check.status == "fail"


def overall(checks: Sequence[Check]) -> Verdict:
    """Merge checks: a broken steady state or an undecided check is inconclusive; else any
    fail fails; else pass."""
    statuses = ("fail", "unknown", "pass")
    ids = {s: tuple(str(c.id) for c in checks if c.status == s) for s in statuses}
    if not checks:
        return Verdict("inconclusive", ("no check was evaluated",))
    undecided = [c for c in checks if c.status == "unknown"]
    not_carried_out = [c for c in undecided if c.kind in INFRASTRUCTURE_KINDS]
    if not_carried_out:  # first: the likeliest cause of an unhealthy baseline too
        reasons = tuple(f"{c.id}: {c.reason}" for c in not_carried_out)
        return Verdict("inconclusive", reasons, ids["fail"], ids["unknown"], ids["pass"])
    unhealthy = [c for c in checks if steady_state_broken(c)]
    if unhealthy:
        reasons = tuple(f"the bank was not healthy before the fault: {c.reason}" for c in unhealthy)
        return Verdict("inconclusive", reasons, ids["fail"], ids["unknown"], ids["pass"])
    failed = [c for c in checks if c.status == "fail"]
    if undecided and not failed:
        reasons = tuple(f"{c.id}: {c.reason}" for c in undecided)
        return Verdict("inconclusive", reasons, ids["fail"], ids["unknown"], ids["pass"])
    if failed:
        reasons = tuple(f"{c.id}: {c.reason}" for c in failed)
        return Verdict("fail", reasons, ids["fail"], ids["unknown"], ids["pass"])
    return Verdict("pass", (f"all {len(checks)} checks passed",), (), (), ids["pass"])


def matches_expectation(
    verdict: Verdict, expected_status: str, expected_because: Sequence[str]
) -> tuple[bool, str]:
    """Whether the verdict is the expected one for the expected reasons (ids or id globs).

    An inconclusive verdict never matches: it is reported as such, not as a mismatch."""
    if verdict.status == "inconclusive":
        why = verdict.reasons[0] if verdict.reasons else "no reason"
        return False, f"inconclusive: {why}"
    if verdict.status != expected_status:
        why = verdict.reasons[0] if verdict.reasons else "no reason"
        return False, f"expected {expected_status} but the run gave {verdict.status}: {why}"
    pool = verdict.failed if expected_status == "fail" else verdict.passed
    missing = [p for p in expected_because if not any(fnmatchcase(i, p) for i in pool)]
    if missing:
        return False, (
            f"{expected_status} as expected, but not because of {', '.join(missing)} "
            f"({expected_status} checks: {', '.join(pool) or 'none'})"
        )
    because = f" because of {', '.join(expected_because)}" if expected_because else ""
    return True, f"{expected_status} as expected{because}"
