"""A circuit breaker per dependency: after `failure_threshold` failures in a row, fail fast.

Open for `open_s`, then half-open: one trial call is let through; its success closes the
breaker, its failure opens it again (a trial that never reports back is replaced after
`open_s`). With `breaker_enabled` off (fragile) there is none.

This module is pure: no I/O, the clock is passed in.
"""

from __future__ import annotations

from collections.abc import Callable


class Breaker:
    """Closed -> open after a run of failures -> half-open trial -> closed or open again."""

    def __init__(self, failure_threshold: int, open_s: float, clock: Callable[[], float]) -> None:
        self.failure_threshold = failure_threshold
        self.open_s = open_s
        self._clock = clock
        self._failures = 0
        self._opened_at_s: float | None = None
        self._trial_started_s: float | None = None

    @property
    def state(self) -> str:
        """closed, open or half_open."""
        if self._opened_at_s is None:
            return "closed"
        if self._clock() - self._opened_at_s < self.open_s:
            return "open"
        return "half_open"

    def allow(self) -> bool:
        """Whether a call may go out now (in half-open, only one trial at a time)."""
        state = self.state
        if state == "closed":
            return True
        now = self._clock()
        if state == "open" or (
            self._trial_started_s is not None and now - self._trial_started_s < self.open_s
        ):
            return False
        self._trial_started_s = now
        return True

    def record(self, ok: bool) -> None:
        """The outcome of a call that `allow` let through."""
        self._trial_started_s = None
        if ok:
            self._failures, self._opened_at_s = 0, None
            return
        self._failures += 1
        if self._opened_at_s is not None or self._failures >= self.failure_threshold:
            self._opened_at_s = self._clock()
