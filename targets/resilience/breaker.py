"""The circuit breaker of one dependency: closed -> open -> half-open -> closed or open again.

Every call asks `admit()` first and gets a `Permit`, or `CircuitOpenError` when it must fail
fast. The permit must be settled exactly once: `succeeded()` (the dependency answered),
`failed()` (it refused, timed out, answered 5xx) or `release()` (the caller did not use the
dependency after all, e.g. its bulkhead was full or its deadline was already spent, or gave up
at its own deadline, shorter than the bank's timeout for the call; that says nothing about the
dependency's health, so it is never recorded as a success or a failure).

- Closed: every call is admitted. `failure_threshold` failures in a row open the breaker; a
  success resets the count.
- Open: every call is refused for `open_s` (`retry_after_s` says how long is left).
- Half-open (once `open_s` has passed): exactly one call, the probe, is admitted; the others
  are refused. The probe's success closes the breaker; its failure opens it for another
  `open_s`; its release lets the next caller probe instead. Callers refused while the probe
  is out are told to retry after `open_s`.
- The probe times out: when its outcome is not recorded within `probe_timeout_s` of its
  admission, it counts as a failure and the breaker opens again from that moment, so a probe
  that is lost (its caller cancelled, crashed or forgot) never wedges the breaker half-open.
- Outcomes of calls admitted before the breaker last opened (including a timed-out probe's
  late answer) are stale and ignored: only the current period's calls decide.
- Disabled (`enabled=False`, the fragile setting): every call is admitted, nothing is counted,
  and the state is always closed.

Time only moves through the clock passed in (monotonic seconds); transitions that are due are
applied when the breaker is next asked. One event loop, no locking. This module does no I/O
and must not know what a call is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import structlog

from targets.profiles import Profile

BreakerState = Literal["closed", "open", "half_open"]

log = structlog.get_logger()


@dataclass(frozen=True)
class BreakerPolicy:
    """The breaker's settings; `from_profile` reads the profile's `breaker_*` knobs."""

    failure_threshold: int
    open_s: float
    probe_timeout_s: float
    enabled: bool = True

    @classmethod
    def from_profile(cls, profile: Profile) -> BreakerPolicy:
        return cls(
            failure_threshold=profile.breaker_failure_threshold,
            open_s=profile.breaker_open_s,
            probe_timeout_s=profile.breaker_probe_timeout_s,
            enabled=profile.breaker_enabled,
        )


class CircuitOpenError(Exception):
    """The breaker refused the call; `retry_after_s` is when it may admit a probe."""

    def __init__(self, dependency: str, retry_after_s: float) -> None:
        super().__init__(f"circuit breaker for {dependency} is open; retry in {retry_after_s:.1f}s")
        self.dependency = dependency
        self.retry_after_s = retry_after_s


class Permit:
    """One admitted call's ticket; settle it once (later settlements are ignored)."""

    def __init__(self, breaker: CircuitBreaker, period: int, probe: bool) -> None:
        self._breaker = breaker
        self.period = period
        self.probe = probe
        self.settled = False

    def succeeded(self) -> None:
        """The dependency answered."""
        if self._settle():
            self._breaker._on_success(self)

    def failed(self) -> None:
        """The dependency refused, timed out or answered with a server error."""
        if self._settle():
            self._breaker._on_failure(self)

    def release(self) -> None:
        """The dependency was not used after all: neither a success nor a failure."""
        if self._settle():
            self._breaker._on_release(self)

    def _settle(self) -> bool:
        first, self.settled = not self.settled, True
        return first


class CircuitBreaker:
    """Consecutive-failure breaker with a timed half-open probe (see the module docstring)."""

    def __init__(self, dependency: str, policy: BreakerPolicy, clock: Callable[[], float]) -> None:
        self.dependency = dependency
        self.policy = policy
        self._clock = clock
        self._failures = 0
        self._opened_at_s: float | None = None
        self._period = 0
        self._probe: Permit | None = None
        self._probe_admitted_s = 0.0

    @property
    def state(self) -> BreakerState:
        """The state now (due transitions applied)."""
        now = self._advance()
        if self._opened_at_s is None:
            return "closed"
        if now - self._opened_at_s < self.policy.open_s:
            return "open"
        return "half_open"

    def admit(self) -> Permit:
        """A permit for one call, or CircuitOpenError when the call must fail fast."""
        if not self.policy.enabled:
            return Permit(self, self._period, probe=False)
        state, now = self.state, self._clock()
        if state == "closed":
            return Permit(self, self._period, probe=False)
        assert self._opened_at_s is not None
        if state == "half_open" and self._probe is None:
            self._probe = Permit(self, self._period, probe=True)
            self._probe_admitted_s = now
            log.info("breaker_probe_admitted", dependency=self.dependency)
            return self._probe
        if state == "open":
            raise CircuitOpenError(self.dependency, self._opened_at_s + self.policy.open_s - now)
        raise CircuitOpenError(self.dependency, self.policy.open_s)  # a probe is out

    def _advance(self) -> float:
        """Apply a probe timeout that is due; the current time."""
        now = self._clock()
        if self._probe is not None:
            timed_out_at_s = self._probe_admitted_s + self.policy.probe_timeout_s
            if now >= timed_out_at_s:
                log.warning("breaker_probe_timed_out", dependency=self.dependency)
                self._open(timed_out_at_s)
        return now

    def _open(self, at_s: float) -> None:
        self._opened_at_s = at_s
        self._period += 1
        self._probe = None
        self._failures = 0

    def _current(self, permit: Permit) -> bool:
        self._advance()
        return self.policy.enabled and permit.period == self._period

    def _on_success(self, permit: Permit) -> None:
        if not self._current(permit):
            return
        if permit is self._probe:
            log.info("breaker_closed", dependency=self.dependency)
            self._opened_at_s, self._probe = None, None
        self._failures = 0

    def _on_failure(self, permit: Permit) -> None:
        if not self._current(permit):
            return
        if permit is self._probe:
            log.warning("breaker_reopened", dependency=self.dependency)
            self._open(self._clock())
            return
        if self._opened_at_s is None:
            self._failures += 1
            if self._failures >= self.policy.failure_threshold:
                log.warning("breaker_opened", dependency=self.dependency, failures=self._failures)
                self._open(self._clock())

    def _on_release(self, permit: Permit) -> None:
        if self._current(permit) and permit is self._probe:
            self._probe = None
