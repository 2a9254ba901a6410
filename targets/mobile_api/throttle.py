"""The hardened bank's answer to repeated wrong passwords: a growing wait, never a lock.

After `max_failures` wrong passwords in a row for one customer id, each further wrong password
makes that id wait before its next login is even checked: `FIRST_DELAY_S`, then twice as long
after every further wrong one, at most `MAX_DELAY_S`. A right password (once the wait is over)
starts the count again. The state is kept per customer id as typed, whether or not such a
customer exists, so an unknown id is throttled exactly like a real one and the answer says
nothing about who banks here; nor can a stranger lock a customer out for a day (the worst is
`MAX_DELAY_S` between attempts, for as long as the stranger keeps guessing).

Memory is bounded: past `MAX_TRACKED_IDS` ids, the ones whose wait is over and whose last
failure is older than `MAX_DELAY_S` are forgotten.

This module knows nothing of passwords or HTTP and does no I/O; the clock is passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

FIRST_DELAY_S = 5.0
MAX_DELAY_S = 300.0
MAX_TRACKED_IDS = 10_000


@dataclass(frozen=True)
class Strikes:
    """Wrong passwords in a row for one id, and until when its next attempt must wait."""

    failures: int
    last_failure_s: float
    wait_until_s: float


def delay_s(failures: int, max_failures: int) -> float:
    """The wait after the `failures`-th wrong password in a row (0 below the threshold)."""
    if failures < max_failures:
        return 0.0
    return min(FIRST_DELAY_S * 2.0 ** (failures - max_failures), MAX_DELAY_S)


class LoginThrottle:
    """Counts wrong passwords per customer id and says how long that id must wait."""

    def __init__(self, max_failures: int, clock: Callable[[], float]) -> None:
        self.max_failures = max_failures
        self._clock = clock
        self._strikes: dict[str, Strikes] = {}

    def wait_s(self, customer_id: str) -> float:
        """Seconds before `customer_id` may try again (0 when it may try now)."""
        strikes = self._strikes.get(customer_id)
        if strikes is None:
            return 0.0
        return max(0.0, strikes.wait_until_s - self._clock())

    def failed(self, customer_id: str) -> float:
        """Count one wrong password; answers the wait it starts (0 below the threshold)."""
        now = self._clock()
        before = self._strikes.get(customer_id)
        failures = 1 if before is None else before.failures + 1
        wait = delay_s(failures, self.max_failures)
        self._strikes[customer_id] = Strikes(failures, now, now + wait)
        if len(self._strikes) > MAX_TRACKED_IDS:
            self._forget_idle(now)
        return wait

    def succeeded(self, customer_id: str) -> None:
        """A right password: the count starts again."""
        self._strikes.pop(customer_id, None)

    def clear(self, customer_id: str) -> None:
        """Lift the wait for one id (what a contact-centre agent does)."""
        self._strikes.pop(customer_id, None)

    def tracked(self) -> int:
        """How many ids have wrong passwords on record."""
        return len(self._strikes)

    def _forget_idle(self, now: float) -> None:
        idle = [
            customer_id
            for customer_id, s in self._strikes.items()
            if s.wait_until_s <= now and now - s.last_failure_s > MAX_DELAY_S
        ]
        for customer_id in idle:
            del self._strikes[customer_id]
