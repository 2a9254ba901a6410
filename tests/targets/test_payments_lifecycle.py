"""The payment lifecycle: allowed transitions, terminal statuses, reason codes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.payments.lifecycle import TRANSITIONS, TransitionError, check_transition, is_terminal


def test_happy_and_reject_paths_are_allowed() -> None:
    """RCVD -> ACSP -> ACSC and ACSP -> RJCT with a known reason code are allowed."""
    check_transition("RCVD", "ACSP")
    check_transition("ACSP", "ACSC")
    check_transition("ACSP", "RJCT", "AB05")
    check_transition("RCVD", "RJCT", "AM04")


def test_reject_needs_a_known_reason_code() -> None:
    """RJCT without a reason code, or with an unknown one, is refused with the valid list."""
    with pytest.raises(TransitionError, match="AM04, AB05, AG09, NARR"):
        check_transition("ACSP", "RJCT", None)
    with pytest.raises(TransitionError, match="needs a reason code"):
        check_transition("ACSP", "RJCT", "XX99")


@given(st.sampled_from(["ACSC", "RJCT"]), st.sampled_from(list(TRANSITIONS)))
def test_terminal_statuses_never_change(terminal: str, new: str) -> None:
    """Nothing leaves ACSC or RJCT (a status shown to a customer must not flip)."""
    assert is_terminal(terminal)
    with pytest.raises(TransitionError, match="terminal"):
        check_transition(terminal, new, "NARR")


def test_unknown_status_is_named() -> None:
    """An unknown current status names the valid ones."""
    with pytest.raises(TransitionError, match="'PDNG' unknown; valid: RCVD, ACSP, ACSC, RJCT"):
        check_transition("PDNG", "ACSC")
