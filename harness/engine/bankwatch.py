"""The bank and the machine watched while a run goes on, once a second.

A part of the bank that stops outside the plan ends the run; the machine's CPU that went to
work that is not this run's is sampled (`engine.machine`) for the analysis to judge.

A service killed by a `crash` fault or stopped by the runtime is planned; one that exits by
itself (killed from outside, out of memory, a crash of its own) means the run no longer
measures what the experiment says. `BankWatch.check` asks the runtime at most once a second
and raises `UnplannedExitError` naming what stopped; the engine records it and the run is
inconclusive.
"""

from __future__ import annotations

from harness.engine.machine import MachineWatch
from harness.errors import UnplannedExitError
from harness.runtime.base import Runtime

CHECK_EVERY_S = 1.0


class BankWatch:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.machine = MachineWatch(runtime.container_ids)
        self._next_s = 0.0

    def check(self, now_s: float) -> None:
        """Raise UnplannedExitError when something stopped outside the plan (once a second)."""
        if now_s < self._next_s:
            return
        self._next_s = now_s + CHECK_EVERY_S
        self.machine.sample()
        exits = self.runtime.unplanned_exits()
        if exits:
            raise UnplannedExitError("; ".join(exits))
