"""Request deadlines: which deadline a request works to, and how long one call may wait.

A deadline is absolute epoch seconds, as sent in `X-Deadline`. The bank sets its own deadlines
from its own budgets: `deadline_s` for a whole customer request at the edge, `request_timeout_s`
for one call. A caller's deadline may only SHORTEN a request, never lengthen it; with
`client_deadline_floor_s` set (hardened) no further than now + floor, so a customer who sends a
deadline a few milliseconds ahead gets the floor, not calls that time out at once and count
against a breaker every customer shares. With the floor unset (fragile) the caller's deadline is
taken as sent: that is the weakness the fragile bank keeps.

`call_budget` also says whether a call's timeout is the caller's doing: the caller's remaining
deadline is shorter than every limit of the bank's own (the per-call timeout, the bank's own
request budget). A call that times out then is the caller's outcome, not the dependency's
health, and must not count as a breaker failure.

Pure functions: the clock's reading (wall-clock epoch seconds) is passed in. This module does no
I/O, holds no state and must not know about HTTP, breakers or any service.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def parse_deadline(raw: str | None) -> float | None:
    """An `X-Deadline` value as epoch seconds; None when absent, not a number or not finite."""
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def effective_deadline(
    now_s: float, given_s: float | None, budget_s: float | None, floor_s: float | None
) -> float | None:
    """The deadline a request at the edge works to.

    `given_s`: the caller's deadline (None: none sent); `budget_s`: the bank's own budget for
    the request (None: no deadline of its own); `floor_s`: the least time a caller's deadline
    leaves it (None: the caller's deadline is taken as sent, only capped by the budget).
    """
    own_s = None if budget_s is None else now_s + budget_s
    if given_s is None:
        return own_s
    if floor_s is not None:
        given_s = max(given_s, now_s + floor_s)
    return given_s if own_s is None else min(given_s, own_s)


@dataclass(frozen=True)
class CallBudget:
    """How long one outbound call may wait, and whose limit that is."""

    timeout_s: float | None
    """None: no bound at all."""
    caller_cut: bool
    """The timeout is the caller's remaining deadline, shorter than the bank's own limit for
    this call: a timeout then is the caller's outcome, not the dependency's."""


def call_budget(
    now_s: float,
    deadline_s: float | None,
    own_deadline_s: float | None,
    call_timeout_s: float | None,
) -> CallBudget:
    """The budget of a call made `now_s` for a request with deadline `deadline_s`.

    `own_deadline_s`: the deadline from the bank's own budget for this request, before a caller
    shortened it (None where the bank set none, e.g. at an inner hop that trusts its caller's);
    `call_timeout_s`: the bank's per-call timeout (None: the call is bounded only by deadlines).
    """
    own_limits = [call_timeout_s] if call_timeout_s is not None else []
    if own_deadline_s is not None:
        own_limits.append(max(0.0, own_deadline_s - now_s))
    own_limit_s = min(own_limits) if own_limits else None
    if deadline_s is None:
        return CallBudget(own_limit_s, caller_cut=False)
    left_s = max(0.0, deadline_s - now_s)
    if own_limit_s is None or left_s < own_limit_s:
        return CallBudget(left_s, caller_cut=True)
    return CallBudget(own_limit_s, caller_cut=False)
