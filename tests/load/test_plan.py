"""Unit tests of the load plan: rates, due counts and arrivals through steps and ramps."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.load.pacing import ArrivalSchedule, Intent
from harness.load.plan import LoadPlan, Stage, plan_document, plan_from_document

MIX = (("balance", 1.0),)
SURGE = (("login", 1.0),)


def drain(schedule: ArrivalSchedule) -> list[Intent]:
    intents = []
    while (intent := schedule.pop()) is not None:
        intents.append(intent)
    return intents


def test_a_ramp_then_a_step_integrates_to_the_due_count() -> None:
    """10/s for 10 s, a ramp to 30/s over 10 s, held 10 s: 100 + 200 + 300 requests due."""
    plan = LoadPlan(10, MIX, (Stage(10, 30, "ramp"), Stage(20, 30, mix=SURGE)), end_s=30)
    assert [plan.rate_at(t) for t in (5, 10, 15, 20, 25)] == [10, 10, 20, 30, 30]
    assert plan.due_count(10) == 100 and plan.due_count(20) == 300 and plan.due_count(30) == 600
    assert plan.time_of(100) == 10 and plan.time_of(300) == 20
    assert plan.mix_at(25) == SURGE and plan.mix_at(15) == MIX and plan.peak_rate_per_s == 30


@given(st.floats(0, 474.99))
def test_time_of_inverts_due_count(count: float) -> None:
    """Through a step, a ramp up and a ramp down (100 + 200 + 175 requests due in 30 s)."""
    plan = LoadPlan(10, MIX, (Stage(10, 30, "ramp"), Stage(20, 5, "ramp")), end_s=30)
    assert plan.due_count(30) == 475
    assert plan.due_count(plan.time_of(count)) == pytest.approx(count, abs=1e-6)


def test_poisson_arrivals_follow_a_surge() -> None:
    """Poisson at 20/s, a step to 200/s for 20 s, back to 20/s: each stretch gets its count
    within four standard deviations, and the intents carry the rate offered then."""
    stages = (Stage(20, 200, mix=SURGE), Stage(40, 20, mix=MIX))
    intents = drain(ArrivalSchedule(20, MIX, random.Random(4), end_s=60, stages=stages))
    for low, high, expected in ((0, 20, 400), (20, 40, 4000), (40, 60, 400)):
        stretch = [i for i in intents if low <= i.due_s < high]
        assert abs(len(stretch) - expected) < 4 * expected**0.5, (low, len(stretch))
        rate = 200.0 if low == 20 else 20.0
        assert {i.offered_rate_per_s for i in stretch} == {rate}
        assert {i.journey for i in stretch} == {"login" if low == 20 else "balance"}


def test_fixed_arrivals_follow_a_ramp() -> None:
    """Fixed arrivals, 10/s for 5 s then a ramp to 50/s by 15 s: 50 + 300 intents, the gaps
    1/10 s, then shrinking towards 1/50 s."""
    stages = (Stage(5, 50, "ramp"),)
    intents = drain(
        ArrivalSchedule(10, MIX, random.Random(2), arrivals="fixed", end_s=15, stages=stages)
    )
    assert len(intents) == 350
    gaps = [b.due_s - a.due_s for a, b in itertools.pairwise(intents)]
    assert gaps[10] == pytest.approx(0.1) and gaps[10] > gaps[200] > gaps[-1] > 0.019


def test_a_constant_plan_gives_the_constant_schedule() -> None:
    """Without stages the draws are those of a constant rate (seeded runs stay comparable)."""
    staged = drain(ArrivalSchedule(40, MIX, random.Random(9), end_s=5, stages=(Stage(2.5, 40),)))
    plain = drain(ArrivalSchedule(40, MIX, random.Random(9), end_s=5))
    assert [i.due_s for i in staged] == pytest.approx([i.due_s for i in plain])


def test_the_plan_file_round_trips() -> None:
    plan = LoadPlan(10, MIX, (Stage(10, 30, "ramp", SURGE), Stage(20, 30)), end_s=30)
    again = plan_from_document(plan_document(plan))
    assert again.segments == plan.segments
