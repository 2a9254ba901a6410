"""Open-model pacing: when customers want something, independent of how fast the bank answers.

An `ArrivalSchedule` draws intents (a journey and the moment it is due) from a seeded
generator at a target rate, Poisson or fixed-interval. A `Dispatcher` hands them, in due
order, to whichever simulated customer is free: an idle customer takes the next intent even
if it lies in the future and waits for its due time, so each arrival wakes exactly one
customer. An intent nobody could start within `max_start_lag_s` of its due time because every
customer was busy is expired as *unserved*: during an outage demand keeps arriving and is
counted, it does not quietly shrink.

Think time is therefore not a sleep in a customer's loop: the gap between one customer's
intents is whatever the arrival schedule leaves between the intents that customer happens to
take (with U customers and rate R, about U/R seconds on average when the bank is fast).

Pure: the clock is passed in as numbers and randomness comes from the given `random.Random`.
This module must not do I/O or import locust/gevent.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from harness.load.config import Arrivals
from harness.load.plan import LoadPlan, Stage


@dataclass(frozen=True)
class Intent:
    """One customer wish: `journey`, due `due_s` seconds after the run started."""

    seq: int
    due_s: float
    journey: str
    offered_rate_per_s: float | None = None
    """The plan's offered rate at `due_s` (None for requests the customer makes by itself)."""


@dataclass(frozen=True)
class Claim:
    """What a free customer got: an intent to run (maybe None) and intents that expired."""

    intent: Intent | None
    unserved: tuple[Intent, ...]


class RunClock:
    """Monotonic seconds since the run started, and their wall-clock (epoch) equivalent."""

    def __init__(self) -> None:
        self._start_mono_s = 0.0
        self._start_epoch_s = 0.0
        self.restart()

    def restart(self) -> float:
        """Start the run now (when the customers are ready); the start's epoch seconds."""
        self._start_mono_s = time.monotonic()
        self._start_epoch_s = time.time()
        return self._start_epoch_s

    def now_s(self) -> float:
        return time.monotonic() - self._start_mono_s

    def epoch_s(self, run_s: float) -> float:
        return self._start_epoch_s + run_s


class ArrivalSchedule:
    """Intents in due order at the plan's rate (`rate_per_s`, changed by `stages`), journeys
    drawn by the mix in force at their due time, none at or after `end_s`.

    Arrivals follow the plan by time rescaling: the n-th intent falls due when the plan's
    expected count of due requests reaches the n-th point of a unit-rate process (Poisson:
    exponential gaps; fixed: a seeded phase, then one apart), so a surge is a denser stretch
    of the same seeded stream and a constant plan gives the constant rate exactly."""

    def __init__(
        self,
        rate_per_s: float,
        mix: Sequence[tuple[str, float]],
        rng: random.Random,
        *,
        arrivals: Arrivals = "poisson",
        end_s: float = float("inf"),
        stages: Sequence[Stage] = (),
    ) -> None:
        if rate_per_s <= 0:
            raise ValueError(f"arrival rate must be > 0, got {rate_per_s}")
        self.plan = LoadPlan(rate_per_s, tuple(mix), stages, end_s)
        self._draws = {m: _MixDraw(m) for m in {seg.mix for seg in self.plan.segments}}
        self._rng = rng
        self._arrivals = arrivals
        self._end_s = end_s
        self._seq = 0
        self._count = 0.0
        self._pending: Intent | None = None
        self._ended = False
        self._phase = rng.random() if arrivals == "fixed" else 0.0

    def _draw(self) -> Intent | None:
        if self._arrivals == "poisson":
            count = self._count + self._rng.expovariate(1.0)
        else:  # fixed interval after a seeded phase, computed without drift
            count = self._phase + self._seq
        due_s = self.plan.time_of(count)
        if due_s >= self._end_s:
            self._ended = True
            return None
        self._count = count
        journey = self._draws[self.plan.mix_at(due_s)].pick(self._rng.random())
        self._seq += 1
        return Intent(self._seq, due_s, journey, self.plan.rate_at(due_s))

    def peek(self) -> Intent | None:
        """The next intent without taking it; None once the schedule has ended."""
        if self._pending is None and not self._ended:
            self._pending = self._draw()
        return self._pending

    def pop(self) -> Intent | None:
        """Take the next intent; None once the schedule has ended."""
        intent = self.peek()
        self._pending = None
        return intent


class _MixDraw:
    """Picks a journey of one mix from a uniform draw in [0, 1)."""

    def __init__(self, mix: Sequence[tuple[str, float]]) -> None:
        self._names = [name for name, _ in mix]
        self._cum_weights = list(itertools.accumulate(weight for _, weight in mix))

    def pick(self, uniform: float) -> str:
        pick = bisect.bisect(self._cum_weights, uniform * self._cum_weights[-1])
        return self._names[min(pick, len(self._names) - 1)]


class Dispatcher:
    """Hands intents to free customers in due order and expires the ones started too late."""

    def __init__(self, schedule: ArrivalSchedule, max_start_lag_s: float) -> None:
        self._schedule = schedule
        self._max_start_lag_s = max_start_lag_s
        self._closed = False

    @property
    def plan(self) -> LoadPlan:
        """The offered load the schedule follows."""
        return self._schedule.plan

    @property
    def exhausted(self) -> bool:
        """True when no intent will ever be handed out again."""
        return self._closed or self._schedule.peek() is None

    def claim(self, now_s: float) -> Claim:
        """The next intent not yet too late at `now_s` (may be due later), after the expired."""
        unserved = self.expire(now_s)
        intent = None if self._closed else self._schedule.pop()
        return Claim(intent, unserved)

    def expire(self, now_s: float) -> tuple[Intent, ...]:
        """Take every intent whose start deadline (due + max lag) passed before `now_s`."""
        deadline_s = now_s - self._max_start_lag_s
        nxt = None if self._closed else self._schedule.peek()
        if nxt is None or nxt.due_s >= deadline_s:
            return ()  # the common case, kept cheap: it runs once per request
        expired: list[Intent] = []
        while nxt is not None and nxt.due_s < deadline_s:
            expired.append(nxt)
            self._schedule.pop()
            nxt = self._schedule.peek()
        return tuple(expired)

    def backlog_s(self, now_s: float) -> float:
        """How long the next intent has been due without a free customer to take it (0: none)."""
        nxt = None if self._closed else self._schedule.peek()
        return max(0.0, now_s - nxt.due_s) if nxt is not None else 0.0

    def close(self, now_s: float) -> tuple[Intent, ...]:
        """Stop handing out intents; return those already past their start deadline."""
        expired = self.expire(now_s)
        self._closed = True
        return expired
