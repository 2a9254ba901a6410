"""Unit tests of open-model pacing: seeded arrivals, the dispatcher and unserved demand."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.load.pacing import ArrivalSchedule, Dispatcher, Intent

MIX = (("balance", 45.0), ("transfer", 20.0), ("movements", 35.0))


def drain(schedule: ArrivalSchedule) -> list[Intent]:
    intents = []
    while (intent := schedule.pop()) is not None:
        intents.append(intent)
    return intents


def test_fixed_arrivals_are_evenly_spaced_and_end_before_end_s() -> None:
    """Fixed-interval arrivals: rate x duration intents, 1/rate apart, all before end_s."""
    intents = drain(ArrivalSchedule(40, MIX, random.Random(1), arrivals="fixed", end_s=3.0))
    assert len(intents) == 120
    gaps = {round(b.due_s - a.due_s, 9) for a, b in itertools.pairwise(intents)}
    assert gaps == {0.025}
    assert 0 <= intents[0].due_s < 0.025 and intents[-1].due_s < 3.0


def test_poisson_arrivals_reach_the_target_rate() -> None:
    """Poisson arrivals over 200 s at 50/s give 10000 intents within four standard deviations."""
    intents = drain(ArrivalSchedule(50, MIX, random.Random(7), end_s=200.0))
    assert abs(len(intents) - 10_000) < 400
    assert [i.seq for i in intents] == list(range(1, len(intents) + 1))
    assert all(a.due_s <= b.due_s for a, b in itertools.pairwise(intents))


def test_journeys_follow_the_mix_weights() -> None:
    """Each journey's share of 20000 arrivals is within 1.5 points of its weight."""
    intents = drain(ArrivalSchedule(100, MIX, random.Random(3), end_s=200.0))
    shares = Counter(i.journey for i in intents)
    for name, weight in MIX:
        assert abs(shares[name] / len(intents) - weight / 100) < 0.015, name


def test_same_seed_same_schedule_other_seed_differs() -> None:
    """The schedule is a function of the seed."""

    def run(seed: int) -> list[Intent]:
        return drain(ArrivalSchedule(20, MIX, random.Random(seed), end_s=10.0))

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_rate_must_be_positive() -> None:
    """A zero rate is refused with a message naming the rate."""
    with pytest.raises(ValueError, match="arrival rate"):
        ArrivalSchedule(0, MIX, random.Random(1))


def fixed_dispatcher(rate: float = 10, end_s: float = 10.0, lag_s: float = 1.0) -> Dispatcher:
    schedule = ArrivalSchedule(rate, MIX, random.Random(1), arrivals="fixed", end_s=end_s)
    return Dispatcher(schedule, max_start_lag_s=lag_s)


def test_an_idle_customer_reserves_the_next_intent_even_if_it_is_due_later() -> None:
    """At t=0 the first two claims get the first two intents, both due in the future."""
    dispatcher = fixed_dispatcher()
    first, second = dispatcher.claim(0.0), dispatcher.claim(0.0)
    assert first.intent is not None and second.intent is not None
    assert (first.intent.seq, second.intent.seq) == (1, 2)
    assert 0 < first.intent.due_s < second.intent.due_s
    assert first.unserved == second.unserved == ()


def test_intents_not_started_within_the_lag_are_unserved() -> None:
    """Nobody claimed for 5 s: intents due over 1 s ago are expired, the next one is served."""
    dispatcher = fixed_dispatcher(rate=10, lag_s=1.0)
    claim = dispatcher.claim(5.0)
    assert claim.intent is not None
    assert len(claim.unserved) == 40
    assert all(i.due_s < 4.0 for i in claim.unserved)
    assert 4.0 <= claim.intent.due_s < 4.1


def test_expire_sweeps_without_handing_out() -> None:
    """The periodic sweep expires old intents and leaves the rest for customers."""
    dispatcher = fixed_dispatcher(rate=10, lag_s=1.0)
    assert len(dispatcher.expire(2.5)) == 15
    claim = dispatcher.claim(2.5)
    assert claim.unserved == () and claim.intent is not None and claim.intent.seq == 16


def test_close_expires_late_intents_and_stops_handing_out() -> None:
    """After close no intent is handed out and the dispatcher is exhausted."""
    dispatcher = fixed_dispatcher(rate=10, lag_s=1.0)
    expired = dispatcher.close(3.0)
    assert len(expired) == 20
    assert dispatcher.exhausted
    assert dispatcher.claim(4.0) == dispatcher.claim(9.0)
    assert dispatcher.claim(9.0).intent is None


def test_dispatcher_is_exhausted_after_the_schedule_ends() -> None:
    """Once every intent before end_s was handed out, claims return no intent."""
    dispatcher = fixed_dispatcher(rate=10, end_s=1.0)
    handed = [dispatcher.claim(0.0).intent for _ in range(10)]
    assert all(i is not None for i in handed)
    assert dispatcher.exhausted and dispatcher.claim(0.5).intent is None


@given(
    steps=st.lists(st.floats(min_value=0.0, max_value=0.7), min_size=1, max_size=60),
    sweeps=st.lists(st.booleans(), min_size=60, max_size=60),
    seed=st.integers(0, 1000),
)
def test_every_intent_is_handed_out_or_expired_exactly_once(
    steps: list[float], sweeps: list[bool], seed: int
) -> None:
    """Under any claim/sweep timing, intents leave in order, once each, none served too late."""
    schedule = ArrivalSchedule(20, MIX, random.Random(seed), end_s=5.0)
    dispatcher = Dispatcher(schedule, max_start_lag_s=1.0)
    seen: list[int] = []
    now = 0.0
    for step, sweep in zip(steps, sweeps, strict=False):
        now += step
        expired = dispatcher.expire(now) if sweep else ()
        claim = dispatcher.claim(now)
        assert all(i.due_s < now - 1.0 for i in (*expired, *claim.unserved))
        seen += [i.seq for i in (*expired, *claim.unserved)]
        if claim.intent is not None:
            assert claim.intent.due_s >= now - 1.0
            seen.append(claim.intent.seq)
    seen += [i.seq for i in dispatcher.close(now + 100)]
    total = len(drain(ArrivalSchedule(20, MIX, random.Random(seed), end_s=5.0)))
    assert seen == list(range(1, total + 1))
