"""What the checks read: the run's samples and phase windows, its bars, and what it recorded.

`Evidence` is built once per analysed run from the run record, the experiment file and the
stored history; every check kind is a pure function of it. The invariant checkers have
already run (once each) when it is built: their results are part of the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.history.people import PeopleExports
from harness.history.record import AbortRecord, LoadRecord, MachineRecord, TimelineEvent
from harness.history.samples import Sample
from harness.invariants import InvariantResult
from harness.metrics import Window
from harness.spec.people import CommsBars, DetectBars, NotifyBars, SupportBars


@dataclass(frozen=True)
class SloTarget:
    """What a journey must achieve over one phase; None means not targeted."""

    journey: str
    phase: str
    availability_pct: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None


@dataclass(frozen=True)
class RecoveryBar:
    """Each journey must hold its SLO for `window_s` seconds within the max after the fault."""

    journeys: tuple[str, ...]
    max_time_to_recover_s: float
    window_s: int


@dataclass(frozen=True)
class Evidence:
    samples: tuple[Sample, ...]
    windows: tuple[Window, ...]
    fault_end_s: float
    run_end_s: float
    slos: tuple[SloTarget, ...] = ()
    recovery: tuple[RecoveryBar, ...] = ()
    invariants: tuple[InvariantResult, ...] = ()
    abort: AbortRecord | None = None
    load: LoadRecord | None = None
    machine: MachineRecord | None = None
    timeline: tuple[TimelineEvent, ...] = ()
    comms: CommsBars | None = None
    notify: NotifyBars | None = None
    detect: DetectBars | None = None
    support: SupportBars | None = None
    people: PeopleExports = field(default_factory=PeopleExports)
    """The status page's, notifications' and contact centre's exports (people checks)."""
    customers: int = 0
    """Seeded customers (`load.customers`): everyone a breach notice must reach."""

    def window(self, phase: str) -> Window | None:
        return next((w for w in self.windows if w.name == phase), None)

    @property
    def fault_start_s(self) -> float:
        """When the fault phase began (epoch s); the run's start without a fault phase."""
        fault = self.window("fault")
        return fault.start_s if fault is not None else self.windows[0].start_s
