"""The one circuit breaker: every transition, the probe timeout, release, stale outcomes."""

from __future__ import annotations

import dataclasses

import pytest

from targets.profiles import FRAGILE, HARDENED
from targets.resilience.breaker import BreakerPolicy, CircuitBreaker, CircuitOpenError, Permit

POLICY = BreakerPolicy(failure_threshold=3, open_s=2.0, probe_timeout_s=5.0)


class Clock:
    """Monotonic seconds the test moves by hand."""

    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


def make(policy: BreakerPolicy = POLICY) -> tuple[CircuitBreaker, Clock]:
    clock = Clock()
    return CircuitBreaker("core", policy, clock), clock


def trip(breaker: CircuitBreaker) -> None:
    for _ in range(breaker.policy.failure_threshold):
        breaker.admit().failed()
    assert breaker.state == "open"


def half_open_probe(breaker: CircuitBreaker, clock: Clock) -> Permit:
    trip(breaker)
    clock.now_s += breaker.policy.open_s
    assert breaker.state == "half_open"
    probe = breaker.admit()
    assert probe.probe
    return probe


def test_closed_opens_after_threshold_failures_in_a_row() -> None:
    """N consecutive failures open it; a success in between resets the count."""
    breaker, _ = make()
    breaker.admit().failed()
    breaker.admit().failed()
    breaker.admit().succeeded()
    breaker.admit().failed()
    breaker.admit().failed()
    assert breaker.state == "closed"
    breaker.admit().failed()
    assert breaker.state == "open"


def test_open_refuses_with_the_time_left_until_a_probe() -> None:
    """Open: fail fast, telling the caller how long is left of open_s."""
    breaker, clock = make()
    trip(breaker)
    clock.now_s += 0.5
    with pytest.raises(CircuitOpenError, match=r"core is open; retry in 1\.5s") as refused:
        breaker.admit()
    assert refused.value.retry_after_s == pytest.approx(1.5)
    assert refused.value.dependency == "core"


def test_open_turns_half_open_after_open_s_and_admits_exactly_one_probe() -> None:
    """After open_s one probe passes; every other caller is refused while it is out."""
    breaker, clock = make()
    trip(breaker)
    clock.now_s += 1.999
    assert breaker.state == "open"
    clock.now_s += 0.001
    assert breaker.state == "half_open"
    probe = breaker.admit()
    assert probe.probe
    for _ in range(3):
        with pytest.raises(CircuitOpenError) as refused:
            breaker.admit()
        assert refused.value.retry_after_s == pytest.approx(POLICY.open_s)
    assert breaker.state == "half_open"


def test_probe_success_closes() -> None:
    """The probe's success closes the breaker and resets the failure count."""
    breaker, clock = make()
    half_open_probe(breaker, clock).succeeded()
    assert breaker.state == "closed"
    assert not breaker.admit().probe
    breaker.admit().failed()
    breaker.admit().failed()
    assert breaker.state == "closed"


def test_probe_failure_reopens_for_another_open_s() -> None:
    """The probe's failure opens the breaker again, counted from that failure."""
    breaker, clock = make()
    probe = half_open_probe(breaker, clock)
    clock.now_s += 1.0
    probe.failed()
    assert breaker.state == "open"
    clock.now_s += 1.999
    assert breaker.state == "open"
    clock.now_s += 0.001
    assert breaker.state == "half_open"
    assert breaker.admit().probe


def test_a_lost_probe_times_out_as_a_failure() -> None:
    """A probe never settled counts as failed after probe_timeout_s: the breaker reopens,
    and after another open_s it admits a new probe (it never wedges half-open)."""
    breaker, clock = make()
    lost = half_open_probe(breaker, clock)
    clock.now_s += POLICY.probe_timeout_s - 0.001
    with pytest.raises(CircuitOpenError):
        breaker.admit()
    clock.now_s += 0.001
    assert breaker.state == "open"
    with pytest.raises(CircuitOpenError) as refused:
        breaker.admit()
    assert refused.value.retry_after_s == pytest.approx(POLICY.open_s)
    clock.now_s += POLICY.open_s
    second = breaker.admit()
    assert second.probe and second is not lost
    second.succeeded()
    assert breaker.state == "closed"


def test_a_timed_out_probes_late_answer_is_ignored() -> None:
    """After its timeout the first probe's outcome no longer decides anything."""
    breaker, clock = make()
    lost = half_open_probe(breaker, clock)
    clock.now_s += POLICY.probe_timeout_s
    lost.succeeded()
    assert breaker.state == "open"
    clock.now_s += POLICY.open_s
    second = breaker.admit()
    lost.failed()
    assert breaker.state == "half_open"
    second.succeeded()
    assert breaker.state == "closed"


def test_a_probe_timing_out_later_than_open_s_lets_the_next_probe_in_at_once() -> None:
    """Reopened from the moment the probe timed out, not from when someone next asks."""
    breaker, clock = make()
    half_open_probe(breaker, clock)
    clock.now_s += POLICY.probe_timeout_s + POLICY.open_s
    assert breaker.state == "half_open"
    assert breaker.admit().probe


def test_released_probe_frees_the_half_open_slot_without_an_outcome() -> None:
    """A probe that did not use the dependency releases: no success (still half-open, not
    closed), no failure (not reopened), and the next caller becomes the probe."""
    breaker, clock = make()
    probe = half_open_probe(breaker, clock)
    probe.release()
    assert breaker.state == "half_open"
    second = breaker.admit()
    assert second.probe
    with pytest.raises(CircuitOpenError):
        breaker.admit()


def test_release_while_closed_counts_nothing() -> None:
    """Released permits neither reset nor add to the run of failures."""
    breaker, _ = make()
    breaker.admit().failed()
    breaker.admit().failed()
    breaker.admit().release()
    assert breaker.state == "closed"
    breaker.admit().failed()
    assert breaker.state == "open"


def test_a_permit_settles_once() -> None:
    """The first settlement counts; later ones are ignored."""
    breaker, clock = make()
    probe = half_open_probe(breaker, clock)
    probe.release()
    probe.failed()
    assert breaker.state == "half_open"
    assert probe.settled


def test_outcomes_of_calls_admitted_before_the_breaker_opened_are_stale() -> None:
    """Late answers from calls let through while closed do not reopen or close it."""
    breaker, clock = make()
    early = [breaker.admit() for _ in range(2)]
    trip(breaker)
    early[0].succeeded()
    assert breaker.state == "open"
    clock.now_s += POLICY.open_s
    probe = breaker.admit()
    early[1].failed()
    assert breaker.state == "half_open"
    probe.succeeded()
    assert breaker.state == "closed"


def test_disabled_breaker_admits_everything_and_counts_nothing() -> None:
    """The fragile setting: every call goes out and the state stays closed."""
    breaker, _ = make(dataclasses.replace(POLICY, enabled=False))
    for _ in range(10):
        breaker.admit().failed()
    assert breaker.state == "closed"
    assert not breaker.admit().probe


def test_policy_reads_the_profile_knobs() -> None:
    """Hardened has the breaker on with its knobs; fragile has it off."""
    hardened = BreakerPolicy.from_profile(HARDENED)
    assert hardened == BreakerPolicy(
        failure_threshold=HARDENED.breaker_failure_threshold,
        open_s=HARDENED.breaker_open_s,
        probe_timeout_s=HARDENED.breaker_probe_timeout_s,
        enabled=True,
    )
    assert not BreakerPolicy.from_profile(FRAGILE).enabled
