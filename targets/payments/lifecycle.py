"""A payment's lifecycle, aligned to ISO 20022 status codes: RCVD -> ACSP -> ACSC | RJCT.

RCVD: received, nothing reserved yet. ACSP: funds held at the core, in process at the scheme.
ACSC: settled by the scheme. RJCT: rejected, with a reason code. Terminal statuses never change.
This module is pure: it validates transitions, it stores nothing.
"""

from __future__ import annotations

from typing import Literal

Status = Literal["RCVD", "ACSP", "ACSC", "RJCT"]

TERMINAL: frozenset[str] = frozenset({"ACSC", "RJCT"})

TRANSITIONS: dict[str, frozenset[str]] = {
    "RCVD": frozenset({"ACSP", "RJCT"}),
    "ACSP": frozenset({"ACSC", "RJCT"}),
    "ACSC": frozenset(),
    "RJCT": frozenset(),
}

REASON_CODES: dict[str, str] = {
    "AM04": "insufficient funds",
    "AB05": "timeout at the scheme (no answer before the deadline)",
    "AG09": "unknown at the scheme",
    "NARR": "other reason, see the detail",
}


class TransitionError(ValueError):
    """A status change the lifecycle forbids."""


def check_transition(current: str, new: str, reason_code: str | None = None) -> None:
    """Raise TransitionError unless `current -> new` is allowed and RJCT carries a known code."""
    if current not in TRANSITIONS:
        valid = ", ".join(TRANSITIONS)
        raise TransitionError(f"payment status {current!r} unknown; valid: {valid}")
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (terminal)"
        raise TransitionError(f"payment cannot go {current} -> {new}; allowed: {allowed}")
    if new == "RJCT" and reason_code not in REASON_CODES:
        raise TransitionError(
            f"RJCT needs a reason code; {reason_code!r} is not one of {', '.join(REASON_CODES)}"
        )


def is_terminal(status: str) -> bool:
    """True for ACSC and RJCT."""
    return status in TERMINAL
