"""A run's terminal status line: phase, time left, request rate and error rate.

`Progress` shows what the `AbortWatch` (engine.abort) counted; it decides nothing itself, and
prints only when stderr is a terminal.
"""

from __future__ import annotations

import sys
import time

from harness.engine.abort import AbortWatch
from harness.history.record import AbortRecord
from harness.spec.schedule import Schedule


class Progress:
    def __init__(self, schedule: Schedule, watch: AbortWatch, enabled: bool) -> None:
        self.schedule = schedule
        self.watch = watch
        self.enabled = enabled and sys.stderr.isatty()
        self._last_draw = 0.0

    def tick(self, now_s: float) -> AbortRecord | None:
        reason = self.watch.check(now_s)
        if self.enabled and time.monotonic() - self._last_draw > 0.5:
            self._last_draw = time.monotonic()
            self._draw(now_s)
        return reason

    def _draw(self, now_s: float) -> None:
        second = int(now_s) - 1
        cell = self.watch.counts[second]["any"] if second >= 0 else [0, 0]
        rate = cell[0]
        errors = cell[1] / cell[0] if cell[0] else 0.0
        phase = self.schedule.phase_at(now_s) or "-"
        left = max(0.0, self.schedule.total_s - now_s)
        sys.stderr.write(
            f"\r  {phase:<9} {left:6.1f} s left  {rate:5d} req/s  {errors:6.1%} errors "
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
