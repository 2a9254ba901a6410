"""I11 weak password refused: no password shorter than the hardened policy's was accepted.

When the bank forces a change, the load first tries a weak password (6-11 characters, under
the hardened policy's 12: `Sample.password_strength == "weak"`, journey `weak_password`). The
bank accepted it when that request was answered 2xx: a violation. A 4xx answer refused it. A
request with no answer (a timeout, a cut connection, a 5xx) says nothing either way. With no
answered weak try at all the result is `unknown`: the policy was never put to the test.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.history.bankstate import BankState
from harness.history.samples import Sample
from harness.invariants.result import Finding, InvariantResult, undecided, verdict_of

NAME = "weak_password_refused"
WEAK = "weak"


def _answered(sample: Sample) -> bool:
    return sample.served and 200 <= sample.status < 500


def check(state: BankState, samples: Sequence[Sample]) -> InvariantResult:
    """Each weak password the load tried and the bank answered: refused, or a violation."""
    del state  # the answer is in what the customers saw
    tries = [s for s in samples if s.password_strength == WEAK and _answered(s)]
    if not tries:
        return undecided(NAME, "no weak password was tried and answered: the policy was not tested")
    accepted = [
        Finding(s.customer or "?", f"{s.customer} set a weak password at {s.t_s:.3f} "
                f"(HTTP {s.status})", at_s=s.t_s)
        for s in tries if 200 <= s.status < 300
    ]  # fmt: skip
    customers = len({s.customer for s in tries})
    return verdict_of(
        NAME,
        [("weak_password_accepted", accepted)],
        f"all {len(tries)} weak passwords tried by {customers} customers were refused",
    )
