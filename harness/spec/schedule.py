"""The schedule of one run: phase windows and action times, in seconds from the run start.

An experiment's durations are nominal; the schedule multiplies every phase length, offset and
action duration by the run's time scale (`--time-scale 0.1` makes a 4-minute experiment a
24-second run). Check bars (SLO latencies, recovery and abort times) are not scaled: the bank's
own timeouts and breakers run in real time. Pure: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.spec.actions import Action, duration_of
from harness.spec.durations import PHASE_NAMES, Mark


@dataclass(frozen=True)
class PhaseWindow:
    """One phase, [start_s, end_s) from the run start."""

    name: str
    start_s: float
    end_s: float

    @property
    def length_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class ScheduledAction:
    """A timeline action at `offset_s` from the run start, lasting `duration_s` if it has one."""

    index: int
    offset_s: float
    duration_s: float | None
    action: Action

    @property
    def end_s(self) -> float:
        """When the harness undoes the action (its offset when it has no duration)."""
        return self.offset_s + (self.duration_s or 0.0)


@dataclass(frozen=True)
class Schedule:
    """Phase windows in order and actions sorted by offset (ties keep file order)."""

    time_scale: float
    phases: tuple[PhaseWindow, ...]
    actions: tuple[ScheduledAction, ...]

    @property
    def total_s(self) -> float:
        return self.phases[-1].end_s

    def phase(self, name: str) -> PhaseWindow:
        """The window of the phase called `name`."""
        for window in self.phases:
            if window.name == name:
                return window
        raise KeyError(f"unknown phase {name!r}; valid: {', '.join(PHASE_NAMES)}")

    def phase_at(self, t_s: float) -> str | None:
        """The phase running `t_s` seconds after the start, or None outside the run."""
        for window in self.phases:
            if window.start_s <= t_s < window.end_s:
                return window.name
        return None


def phase_windows(lengths_s: Sequence[float], time_scale: float = 1.0) -> tuple[PhaseWindow, ...]:
    """Consecutive windows for the phases in `PHASE_NAMES` order, scaled."""
    windows: list[PhaseWindow] = []
    start_s = 0.0
    for name, length_s in zip(PHASE_NAMES, lengths_s, strict=True):
        end_s = start_s + length_s * time_scale
        windows.append(PhaseWindow(name, start_s, end_s))
        start_s = end_s
    return tuple(windows)


def resolve(mark: Mark, windows: Sequence[PhaseWindow], time_scale: float = 1.0) -> float:
    """Seconds from the run start at which `mark` falls."""
    base_s = 0.0
    if mark.phase is not None:
        base_s = next(w.start_s for w in windows if w.name == mark.phase)
    return base_s + mark.offset_s * time_scale


def build_schedule(
    lengths_s: Sequence[float], timeline: Sequence[Action], time_scale: float
) -> Schedule:
    """The schedule of a run at `time_scale` (> 0); steps without `at` start the run."""
    if not time_scale > 0:
        raise ValueError(f"time scale must be greater than zero, not {time_scale}")
    windows = phase_windows(lengths_s, time_scale)
    steps = []
    for index, action in enumerate(timeline):
        offset_s = resolve(action.at, windows, time_scale) if action.at else 0.0
        duration_s = duration_of(action)
        scaled_s = None if duration_s is None else duration_s * time_scale
        steps.append(ScheduledAction(index, offset_s, scaled_s, action))
    steps.sort(key=lambda step: (step.offset_s, step.index))
    return Schedule(time_scale, windows, tuple(steps))
