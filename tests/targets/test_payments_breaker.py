"""The circuit breaker: closed, open (fail fast), half-open probe, and the bulkhead."""

import asyncio

import pytest

from targets.payments.breaker import CircuitBreaker, CircuitOpenError
from targets.payments.bulkhead import Bulkhead, BulkheadFullError


class Clock:
    def __init__(self) -> None:
        self.now_s = 0.0

    def __call__(self) -> float:
        return self.now_s


def test_opens_after_threshold_consecutive_failures() -> None:
    """N consecutive failures open it; a success in between resets the count."""
    clock = Clock()
    breaker = CircuitBreaker("core", failure_threshold=3, open_s=2.0, clock=clock)
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "closed"
    breaker.record_failure()
    assert breaker.state == "open"
    with pytest.raises(CircuitOpenError, match=r"core is open; retry in 2\.0s") as refused:
        breaker.before_call()
    assert refused.value.retry_after_s == pytest.approx(2.0)


def test_half_open_lets_one_probe_and_its_outcome_decides() -> None:
    """After open_s one probe passes (others refused); failure reopens, success closes."""
    clock = Clock()
    breaker = CircuitBreaker("clearing", failure_threshold=1, open_s=1.0, clock=clock)
    breaker.record_failure()
    clock.now_s = 1.0
    assert breaker.state == "half_open"
    breaker.before_call()
    with pytest.raises(CircuitOpenError):
        breaker.before_call()
    breaker.record_failure()
    assert breaker.state == "open"
    clock.now_s = 2.0
    breaker.before_call()
    breaker.record_success()
    assert breaker.state == "closed"
    breaker.before_call()


def test_disabled_breaker_never_refuses() -> None:
    """The fragile setting: failures are not counted and every call goes out."""
    breaker = CircuitBreaker("core", 1, 1.0, Clock(), enabled=False)
    for _ in range(10):
        breaker.record_failure()
        breaker.before_call()
    assert breaker.state == "closed"


def test_bulkhead_refuses_after_max_wait() -> None:
    """With every slot taken, a caller waits max_wait_s and is refused; None never refuses."""

    async def scenario() -> None:
        bulkhead = Bulkhead("core", max_concurrent=1, max_wait_s=0.01)
        async with bulkhead.slot():
            with pytest.raises(BulkheadFullError, match="core is full"):
                async with bulkhead.slot():
                    pass
        async with bulkhead.slot():
            pass
        unbounded = Bulkhead("core", None, 0.0)
        async with unbounded.slot(), unbounded.slot():
            pass

    asyncio.run(scenario())
