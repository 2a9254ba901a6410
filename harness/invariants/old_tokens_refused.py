"""I10 old tokens refused: after a forced reset or a password change, no request carrying a
token issued before it succeeded.

Judged from requests the load makes on purpose with an old token: journey `old_token`, a
request sent after the customer's password change (or a global revoke) succeeded, carrying the
access or refresh token of a session the customer held before it (`harness/load/replay.py`:
a second device's, and after a forced reset the revoked one's). Answered 2xx is a violation
(the old session still works, as with `password_change_ends_sessions` off); a 401 refused it;
no answer says nothing. The customers' ordinary requests cannot tell: one session is shared
by every user playing a customer, and it is the session that made the change, which the bank
rightly keeps. So without `old_token` samples the result is `unknown`, saying what the load
must record.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.history.bankstate import BankState
from harness.history.samples import Sample
from harness.invariants.result import Finding, InvariantResult, undecided, verdict_of

NAME = "old_tokens_refused"
REPLAY_JOURNEY = "old_token"


def check(state: BankState, samples: Sequence[Sample]) -> InvariantResult:
    """Each replayed old token the bank answered: refused, or a violation."""
    del state  # the answer is in what the customers saw
    replays = [
        s for s in samples
        if s.journey == REPLAY_JOURNEY and s.served and 200 <= s.status < 500
    ]  # fmt: skip
    if not replays:
        return undecided(
            NAME,
            "no request with a token from before a reset was recorded (journey "
            f"{REPLAY_JOURNEY!r}): whether old tokens are refused cannot be judged",
        )
    accepted = [
        Finding(s.customer or "?", f"{s.customer}'s old token was accepted at {s.t_s:.3f} "
                f"(HTTP {s.status})", at_s=s.t_s)
        for s in replays if 200 <= s.status < 300
    ]  # fmt: skip
    return verdict_of(
        NAME,
        [("old_token_accepted", accepted)],
        f"all {len(replays)} requests with an old token were refused",
    )
