"""Runs an experiment's timeline: inject each fault at its offset, heal it when its duration ends.

Every injected fault is remembered until healed; `heal_all` heals what is left, newest first,
and is what the engine calls on the way out (normal end, abort, Ctrl-C, SIGTERM). Each inject
and heal is recorded as a `TimelineEvent` with its real time, for the report. A fault that fails
to inject is recorded (outcome "failed") and the run goes on: the verdict then says so. An
interruption inside a step is recorded as "unknown" and goes on up, so the run ends.
The clock and the sleep are passed in, so the schedule can be tested without waiting.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import structlog

from harness.faults.base import Fault, FaultContext
from harness.history.outcomes import Outcome
from harness.history.record import AbortRecord, Step, TimelineEvent
from harness.interrupts import Interrupted

log = structlog.get_logger()


@dataclass(frozen=True)
class Scheduled:
    """A fault due at `offset_s` after the run starts, healed `duration_s` later if set."""

    offset_s: float
    fault: Fault
    duration_s: float | None = None


class Timeline:
    def __init__(
        self,
        items: Sequence[Scheduled],
        ctx: FaultContext,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.ctx = ctx
        self.clock = clock
        self.sleep = sleep
        self.events: list[TimelineEvent] = []
        self._active: list[Fault] = []
        self._queue: list[tuple[float, int, Step, Fault]] = []
        for seq, item in enumerate(items):
            heapq.heappush(self._queue, (item.offset_s, 2 * seq, "inject", item.fault))
            if item.duration_s is not None and item.fault.reversible:
                end = item.offset_s + item.duration_s
                heapq.heappush(self._queue, (end, 2 * seq + 1, "heal", item.fault))

    def run(
        self,
        t0: float,
        end_s: float,
        should_abort: Callable[[float], AbortRecord | None] = lambda _: None,
        tick_s: float = 0.1,
    ) -> AbortRecord | None:
        """Fire due steps until `end_s` after `t0`; returns the abort that fired, if one did."""
        while True:
            now = self.clock() - t0
            while self._queue and self._queue[0][0] <= now:
                _, _, step, fault = heapq.heappop(self._queue)
                self._fire(step, fault, t0)
            if now >= end_s:
                return None
            reason = should_abort(now)
            if reason:
                return reason
            due = self._queue[0][0] if self._queue else end_s
            self.sleep(max(0.0, min(tick_s, due - now, end_s - now)))

    def _fire(self, step: Step, fault: Fault, t0: float) -> None:
        started = self.clock()
        outcome: Outcome
        try:
            if step == "inject":
                if fault.reversible:
                    self._active.append(fault)
                fault.inject(self.ctx)
            else:
                fault.heal(self.ctx)
                if fault in self._active:
                    self._active.remove(fault)
            outcome, error = "ok", ""
        except Interrupted as exc:
            event = TimelineEvent(started - t0, started, step, fault.kind, fault.describe(),
                                  "unknown", f"interrupted by {exc}")  # fmt: skip
            self._record(event)
            raise
        except Exception as exc:
            outcome, error = "failed", f"{type(exc).__name__}: {exc}"
        self._record(
            TimelineEvent(started - t0, started, step, fault.kind, fault.describe(), outcome, error)
        )

    def _record(self, event: TimelineEvent) -> None:
        self.events.append(event)
        log.info(
            "timeline", step=event.step, fault=event.kind, outcome=event.outcome,
            error=event.error or None,
        )  # fmt: skip

    def heal_all(self, t0: float) -> list[str]:
        """Heal every fault still active, newest first; returns what could not be healed."""
        failures: list[str] = []
        while self._active:
            fault = self._active[-1]
            self._fire("heal", fault, t0)
            if fault in self._active:  # heal raised: do not loop on it
                self._active.remove(fault)
                failures.append(fault.describe())
        self._queue.clear()
        return failures
