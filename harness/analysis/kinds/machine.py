"""`machine:cpu`: whether the machine's CPUs were the run's while it went on.

When other work (a second suite, a build, a CPU hog) took on average more than
`MAX_FOREIGN_CPU_PCT` of all CPU capacity during the run, a starved bank sheds load and misses
its bars for reasons that are not its own: the check is unknown and the run inconclusive,
never a false fail (or a pass measured on a bank that was never stressed as written). A run
recorded without machine samples (not Linux, or an older record) has no such check.
"""

from __future__ import annotations

from harness.analysis.checks import Check
from harness.analysis.evidence import Evidence
from harness.spec.check_ids import CheckId

MAX_FOREIGN_CPU_PCT = 25.0
CPU = CheckId("machine", "cpu")


def checks(evidence: Evidence) -> list[Check]:
    machine = evidence.machine
    if machine is None:
        return []
    mean, peak = machine.foreign_cpu_pct_mean, machine.foreign_cpu_pct_peak
    if mean > MAX_FOREIGN_CPU_PCT:
        return [
            Check(
                CPU,
                "unknown",
                f"the machine was busy with other work: on average {mean:g} % of its "
                f"{machine.cores} cores went to processes outside this run (peak {peak:g} %, "
                f"bar {MAX_FOREIGN_CPU_PCT:g} %); its timings say nothing about the bank",
                mean,
                MAX_FOREIGN_CPU_PCT,
            )
        ]
    return [
        Check(
            CPU,
            "pass",
            f"{mean:g} % of the CPU went to other work on average (peak {peak:g} %)",
            mean,
            MAX_FOREIGN_CPU_PCT,
        )
    ]
