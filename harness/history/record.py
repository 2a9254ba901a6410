"""The run record: what the engine observed, written to `run.json` before any analysis.

`RunRecord` is the typed hand-off from the engine (which writes it as the run goes on) to the
analysis (which reads it back, with `load.jsonl` and `exports/`). It holds the run's identity
and settings, the schedule it ran, every timeline step with its outcome, how the run ended and
what teardown left. Frozen: the engine makes a new record for every change (`evolve`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from harness.history.documents import read_document, write_document
from harness.history.outcomes import Outcome

RECORD_SCHEMA = "bank-chaos/run/v2"

RunStatus = Literal["started", "running", "completed", "aborted", "interrupted", "error"]
FINISHED: tuple[RunStatus, ...] = ("completed", "aborted")
"""Statuses whose history can be judged; any other run is inconclusive."""

Step = Literal["inject", "heal"]


@dataclass(frozen=True)
class PhaseSpan:
    """One phase of the schedule, [start_s, end_s) seconds from t0."""

    name: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class PlannedAction:
    """One action of the schedule: when it was due, for how long, and what it does."""

    index: int
    offset_s: float
    duration_s: float | None
    kind: str
    description: str


@dataclass(frozen=True)
class ScheduleRecord:
    total_s: float
    phases: tuple[PhaseSpan, ...]
    actions: tuple[PlannedAction, ...]

    def phase(self, name: str) -> PhaseSpan | None:
        return next((p for p in self.phases if p.name == name), None)


@dataclass(frozen=True)
class TimelineEvent:
    """One inject or heal as it happened: offset from t0, wall-clock time and its outcome."""

    offset_s: float
    t_s: float
    step: Step
    kind: str
    description: str
    outcome: Outcome
    error: str = ""


@dataclass(frozen=True)
class AbortRecord:
    """The abort rule that stopped the run: its journey (or `any`) and why."""

    journey: str
    reason: str


@dataclass(frozen=True)
class LoadRecord:
    """How the load generator fared: its pool's peak and cap, requests it could not send,
    whether its CPU saturated. A generator that fell short makes the run inconclusive."""

    peak_users: int
    max_users: int
    unserved: int
    cpu_saturated: bool


@dataclass(frozen=True)
class MachineRecord:
    """How much of the machine's CPU went to work that was not this run's (percent of all
    cores, mean and peak over one-second samples while the run went on)."""

    cores: int
    foreign_cpu_pct_mean: float
    foreign_cpu_pct_peak: float
    samples: int


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    experiment: str
    source: str
    profile: str
    seed: int
    time_scale: float
    runtime: str
    harness_version: str
    started_at: str
    status: RunStatus = "started"
    overrides: tuple[str, ...] = ()
    ended_at: str | None = None
    t0_s: float | None = None
    schedule: ScheduleRecord | None = None
    bank_startup_s: float | None = None
    timeline: tuple[TimelineEvent, ...] = ()
    notes: tuple[str, ...] = ()
    unhealed: tuple[str, ...] = ()
    teardown_problems: tuple[str, ...] = ()
    abort: AbortRecord | None = None
    load: LoadRecord | None = None
    machine: MachineRecord | None = None
    active_dc: str | None = None
    error: str | None = None

    def evolve(self, **changes: object) -> RunRecord:
        """A copy with `changes` applied (the record itself never changes)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def duration_s(self) -> float | None:
        """Wall-clock seconds from start to end; None while running or when unreadable."""
        try:
            start = datetime.fromisoformat(self.started_at)
            end = datetime.fromisoformat(str(self.ended_at))
        except ValueError:
            return None
        return (end - start).total_seconds()

    @property
    def finished(self) -> bool:
        """Whether the run reached its end (completed or aborted) with a clock to judge by."""
        return self.status in FINISHED and self.t0_s is not None and self.schedule is not None


def write_record(run_dir: Path, record: RunRecord) -> Path:
    return write_document(run_dir / "run.json", record, RECORD_SCHEMA)


def read_record(run_dir: Path) -> RunRecord:
    return read_document(RunRecord, run_dir / "run.json", RECORD_SCHEMA)
