"""The deadline arithmetic (`targets.resilience.deadline`): pure, the clock's reading passed in."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from targets.profiles import FRAGILE, HARDENED
from targets.resilience.deadline import CallBudget, call_budget, effective_deadline, parse_deadline

NOW_S = 1_800_000_000.0
BUDGET_S = HARDENED.deadline_s
FLOOR_S = HARDENED.client_deadline_floor_s


def test_hardened_and_fragile_set_the_floor_as_documented() -> None:
    assert (HARDENED.client_deadline_floor_s, FRAGILE.client_deadline_floor_s) == (0.5, None)


def test_a_deadline_a_few_ms_ahead_gets_the_floor() -> None:
    assert effective_deadline(NOW_S, NOW_S + 0.003, BUDGET_S, FLOOR_S) == NOW_S + 0.5


def test_a_deadline_already_past_gets_the_floor() -> None:
    assert effective_deadline(NOW_S, NOW_S - 60.0, BUDGET_S, FLOOR_S) == NOW_S + 0.5


def test_a_customer_deadline_between_floor_and_budget_is_kept() -> None:
    assert effective_deadline(NOW_S, NOW_S + 1.25, BUDGET_S, FLOOR_S) == NOW_S + 1.25


def test_a_customer_deadline_never_lengthens_the_banks_budget() -> None:
    assert effective_deadline(NOW_S, NOW_S + 3600.0, BUDGET_S, FLOOR_S) == NOW_S + 3.0


def test_without_a_customer_deadline_the_bank_uses_its_own_budget() -> None:
    assert effective_deadline(NOW_S, None, BUDGET_S, FLOOR_S) == NOW_S + 3.0
    assert effective_deadline(NOW_S, None, None, None) is None


def test_a_floor_above_the_budget_still_ends_at_the_budget() -> None:
    assert effective_deadline(NOW_S, NOW_S + 0.003, 0.2, 0.5) == NOW_S + 0.2


def test_with_the_floor_unset_the_customer_deadline_is_taken_as_sent() -> None:
    """The fragile bank's weakness, kept on purpose: 3 ms ahead stays 3 ms ahead."""
    assert effective_deadline(NOW_S, NOW_S + 0.003, BUDGET_S, None) == NOW_S + 0.003
    assert effective_deadline(NOW_S, NOW_S + 0.003, None, None) == NOW_S + 0.003


def test_with_a_floor_and_no_budget_only_the_floor_bounds_a_customer_deadline() -> None:
    assert effective_deadline(NOW_S, NOW_S + 0.003, None, 0.5) == NOW_S + 0.5
    assert effective_deadline(NOW_S, NOW_S + 7.0, None, 0.5) == NOW_S + 7.0


@given(
    offset_s=st.floats(min_value=-1e6, max_value=1e6),
    budget_s=st.floats(min_value=0.01, max_value=60.0),
    floor_s=st.floats(min_value=0.0, max_value=60.0),
)
def test_the_effective_deadline_lies_between_the_floor_and_the_budget(
    offset_s: float, budget_s: float, floor_s: float
) -> None:
    deadline = effective_deadline(NOW_S, NOW_S + offset_s, budget_s, floor_s)
    assert deadline is not None
    assert NOW_S + min(floor_s, budget_s) <= deadline <= NOW_S + budget_s
    assert deadline <= max(NOW_S + offset_s, NOW_S + floor_s)  # it only ever shortens


def test_parse_deadline_takes_finite_numbers_only() -> None:
    assert parse_deadline("1800000000.125") == 1_800_000_000.125
    for raw in (None, "", "soon", "nan", "inf", "-inf", "1e999"):
        assert parse_deadline(raw) is None, raw


def test_a_call_within_the_banks_own_limits_is_not_cut_by_the_caller() -> None:
    own = NOW_S + 3.0
    assert call_budget(NOW_S, own, own, 1.0) == CallBudget(1.0, caller_cut=False)
    assert call_budget(NOW_S, own, own, None) == CallBudget(3.0, caller_cut=False)
    assert call_budget(NOW_S, None, None, 1.0) == CallBudget(1.0, caller_cut=False)
    assert call_budget(NOW_S, None, None, None) == CallBudget(None, caller_cut=False)


def test_the_banks_own_budget_running_out_is_not_the_callers_cut() -> None:
    own = NOW_S + 0.25
    assert call_budget(NOW_S, own, own, 1.0) == CallBudget(0.25, caller_cut=False)


def test_a_shorter_customer_deadline_is_the_callers_cut() -> None:
    """At the edge: the customer's 0.5 s against the bank's 3 s budget and 1 s per call."""
    own, customer = NOW_S + 3.0, NOW_S + 0.5
    assert call_budget(NOW_S, customer, own, 1.0) == CallBudget(0.5, caller_cut=True)
    assert call_budget(NOW_S, customer, own, None) == CallBudget(0.5, caller_cut=True)


def test_at_an_inner_hop_less_left_than_the_call_timeout_is_the_callers_cut() -> None:
    """An inner hop has no budget of its own: its caller's deadline against its 1 s per call."""
    assert call_budget(NOW_S, NOW_S + 0.375, None, 1.0) == CallBudget(0.375, caller_cut=True)
    assert call_budget(NOW_S, NOW_S + 2.0, None, 1.0) == CallBudget(1.0, caller_cut=False)
    assert call_budget(NOW_S, NOW_S - 1.0, None, 1.0) == CallBudget(0.0, caller_cut=True)
