"""`load:generator`: whether the load generator sent every request that fell due.

The customer pool grows with demand up to a cap; a request that fell due while the pool was
at its cap, or a generator whose CPU saturated (its latencies are its own, not the bank's),
means the experiment did not put the stated load on the bank: the check is unknown and the
run inconclusive (as k6 reports dropped iterations apart from the system's errors). A run
recorded without the generator's summary (killed, or an older record) has no such check.
"""

from __future__ import annotations

from harness.analysis.checks import Check
from harness.analysis.evidence import Evidence
from harness.spec.check_ids import CheckId

GENERATOR = CheckId("load", "generator")


def checks(evidence: Evidence) -> list[Check]:
    load = evidence.load
    if load is None:
        return []
    if load.cpu_saturated:
        return [Check(GENERATOR, "unknown", "the load generator's CPU saturated: its latencies "
                      "and pacing measured the generator, not the bank")]  # fmt: skip
    if load.unserved:
        return [
            Check(
                GENERATOR,
                "unknown",
                f"the load generator could not send {load.unserved} due requests: its pool "
                f"was at its cap of {load.max_users} customers",
                float(load.unserved),
                0.0,
            )
        ]
    return [
        Check(
            GENERATOR,
            "pass",
            f"every due request was sent (at most {load.peak_users} of {load.max_users} "
            f"customers in the pool)",
            0.0,
            0.0,
        )
    ]
