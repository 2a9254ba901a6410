"""A circuit breaker per dependency: closed -> open -> half-open -> closed.

Closed: calls pass; `failure_threshold` consecutive failures open it. Open: calls are refused
at once (fail fast) for `open_s`. Half-open: one probe call passes; its success closes the
breaker, its failure opens it again. The clock is passed in; this module does no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import structlog

BreakerState = Literal["closed", "open", "half_open"]

log = structlog.get_logger()


class CircuitOpenError(Exception):
    """The breaker refused the call; `retry_after_s` is when it will let a probe through."""

    def __init__(self, dependency: str, retry_after_s: float) -> None:
        super().__init__(f"circuit breaker for {dependency} is open; retry in {retry_after_s:.1f}s")
        self.dependency = dependency
        self.retry_after_s = retry_after_s


class CircuitBreaker:
    """Consecutive-failure breaker for one dependency (one event loop, no locking)."""

    def __init__(
        self,
        dependency: str,
        failure_threshold: int,
        open_s: float,
        clock: Callable[[], float],
        enabled: bool = True,
    ) -> None:
        self.dependency = dependency
        self.failure_threshold = max(1, failure_threshold)
        self.open_s = open_s
        self.enabled = enabled
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        """The state now (an open breaker turns half-open once `open_s` has passed)."""
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.open_s:
            return "half_open"
        return "open"

    def before_call(self) -> None:
        """Raise CircuitOpenError unless a call may go out now."""
        if not self.enabled:
            return
        state = self.state
        if state == "closed":
            return
        if state == "half_open" and not self._probing:
            self._probing = True
            return
        assert self._opened_at is not None
        left = max(0.0, self._opened_at + self.open_s - self._clock())
        raise CircuitOpenError(self.dependency, left or self.open_s)

    def record_success(self) -> None:
        """A call answered: close the breaker."""
        if self._opened_at is not None:
            log.info("breaker_closed", dependency=self.dependency)
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def record_failure(self) -> None:
        """A call failed (refused, timed out, 5xx): count it, open at the threshold."""
        if not self.enabled:
            return
        self._failures += 1
        if self._probing or self._failures >= self.failure_threshold:
            if self._opened_at is None or self._probing:
                log.warning("breaker_opened", dependency=self.dependency, failures=self._failures)
            self._opened_at = self._clock()
            self._probing = False
