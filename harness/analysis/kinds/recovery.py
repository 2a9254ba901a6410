"""`recovery:<journey>`: how long after the fault ended the journey held its SLO again.

Time to recover (see `metrics.slo`) against the bar, measured to the journey's SLO target for
the `recovery` phase, else `baseline`, else its first target. Never recovered is a fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from harness.analysis.checks import EPSILON, Check, safely
from harness.analysis.evidence import Evidence, RecoveryBar, SloTarget
from harness.metrics import time_to_recover_s
from harness.spec.check_ids import CheckId

RECOVERY_SLO_PHASES = ("recovery", "baseline")


def _recovery_target(journey: str, slos: Sequence[SloTarget]) -> SloTarget | None:
    mine = [t for t in slos if t.journey == journey]
    for phase in RECOVERY_SLO_PHASES:
        match = next((t for t in mine if t.phase == phase), None)
        if match is not None:
            return match
    return mine[0] if mine else None


def _recovery_check(evidence: Evidence, bar: RecoveryBar, journey: str, target: SloTarget) -> Check:
    check_id = CheckId("recovery", journey)
    ttr = time_to_recover_s(
        evidence.samples,
        journey,
        target,
        evidence.fault_end_s,
        window_s=bar.window_s,
        run_end_s=evidence.run_end_s,
    )
    limit = bar.max_time_to_recover_s
    if ttr is None:
        left = evidence.run_end_s - evidence.fault_end_s
        return Check(
            check_id,
            "fail",
            f"{journey} did not hold its {target.phase} SLO "
            f"for {bar.window_s} s in a row in the {left:.0f} s after the fault ended "
            f"(bar {limit:g} s)",
            None,
            limit,
        )
    ok = ttr <= limit + EPSILON
    reason = (
        f"{journey} recovered {ttr:.0f} s after the fault ended (held its {target.phase} "
        f"SLO for {bar.window_s} s), bar {limit:g} s"
    )
    return Check(check_id, "pass" if ok else "fail", reason, ttr, limit)


def checks(evidence: Evidence) -> list[Check]:
    """One check per journey named by a recovery bar."""
    found: list[Check] = []
    for bar in evidence.recovery:
        for journey in bar.journeys:
            target = _recovery_target(journey, evidence.slos)
            if target is None:
                found.append(
                    Check(
                        CheckId("recovery", journey),
                        "unknown",
                        f"{journey} has no SLO target to recover to",
                        None,
                        bar.max_time_to_recover_s,
                    )
                )
                continue
            compute = partial(_recovery_check, evidence, bar, journey, target)
            found.append(safely(CheckId("recovery", journey), compute))
    return found
