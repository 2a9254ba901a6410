"""The bank watched while a run goes on: a part that stops outside the plan ends the run.

A service killed by a `crash` fault or stopped by the runtime is planned; one that exits by
itself (killed from outside, out of memory, a crash of its own) means the run no longer
measures what the experiment says. `BankWatch.check` asks the runtime at most once a second
and raises `UnplannedExitError` naming what stopped; the engine records it and the run is
inconclusive.
"""

from __future__ import annotations

from harness.errors import UnplannedExitError
from harness.runtime.base import Runtime

CHECK_EVERY_S = 1.0


class BankWatch:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._next_s = 0.0

    def check(self, now_s: float) -> None:
        """Raise UnplannedExitError when something stopped outside the plan (once a second)."""
        if now_s < self._next_s:
            return
        self._next_s = now_s + CHECK_EVERY_S
        exits = self.runtime.unplanned_exits()
        if exits:
            raise UnplannedExitError("; ".join(exits))
