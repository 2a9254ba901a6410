"""A run's status while it goes on: phase, time left, request rate and error rate.

On a terminal one line is redrawn twice a second; anywhere else (CI logs, a pipe) a plain
heartbeat line is printed every `HEARTBEAT_S` seconds, so a long run is never silent between
its start and its verdict. `Progress` shows what the `AbortWatch` (engine.abort) counted and
passes its decision on; it decides nothing itself.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from harness.engine.abort import AbortWatch
from harness.history.record import AbortRecord
from harness.spec.schedule import Schedule

REDRAW_S = 0.5
HEARTBEAT_S = 5.0


class Progress:
    def __init__(
        self, schedule: Schedule, watch: AbortWatch, enabled: bool, stream: TextIO | None = None
    ) -> None:
        self.schedule = schedule
        self.watch = watch
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.live = self.stream.isatty()
        self._last_draw = time.monotonic()

    def tick(self, now_s: float) -> AbortRecord | None:
        abort = self.watch.check(now_s)
        every = REDRAW_S if self.live else HEARTBEAT_S
        if self.enabled and time.monotonic() - self._last_draw >= every:
            self._last_draw = time.monotonic()
            self._draw(now_s)
        return abort

    def status(self, now_s: float) -> str:
        """`fault     18.4 s left     41 req/s   34.1 % errors` for the last whole second."""
        second = int(now_s) - 1
        cell = self.watch.counts[second]["any"] if second >= 0 else [0, 0]
        errors = cell[1] / cell[0] if cell[0] else 0.0
        phase = self.schedule.phase_at(now_s) or "-"
        left = max(0.0, self.schedule.total_s - now_s)
        return f"{phase:<9} {left:6.1f} s left  {cell[0]:5d} req/s  {errors:6.1%} errors"

    def _draw(self, now_s: float) -> None:
        if self.live:
            self.stream.write(f"\r  {self.status(now_s)} ")
        else:
            self.stream.write(f"  {self.status(now_s)}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.live:
            self.stream.write("\n")
