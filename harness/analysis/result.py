"""The run result: every judgement and figure the reports show, written to `result.json`.

`RunResult` is the typed hand-off from the analysis to the report, the index, the digest and
JUnit: the run record, the expectation and the verdict, every check, every invariant's result
with its violations (counts, first, worst, ids, amounts), the per-phase table, the headline
figures, the chart series and the people half's figures (`people_figures`). Readers compute
nothing new from it and never re-read `load.jsonl` or re-run a checker. `build_result` is
pure; `write_result`/`read_result` are the file edges. A v2 result written before `people`
existed reads back with `people` None.
"""

from __future__ import annotations

import math
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Literal

from harness.analysis.checks import Check
from harness.analysis.evidence import Evidence
from harness.analysis.people_figures import PeopleFigures, people_figures
from harness.analysis.verdicts import RunVerdict
from harness.history.documents import read_document, write_document
from harness.history.record import RunRecord
from harness.invariants import InvariantResult
from harness.metrics import (
    PhaseStats,
    StatusEvent,
    Window,
    error_budget_spent,
    phase_stats,
    phase_table,
    time_to_detect_s,
    worst_degradation,
)
from harness.metrics.timeseries import ChartSeries, chart_series, journeys_of
from harness.spec.model import Experiment

RESULT_SCHEMA = "bank-chaos/result/v2"
DEFAULT_BUDGET_TARGET_PCT = 99.0
ALL_JOURNEYS = "all journeys"
SPARK_POINTS = 60


@dataclass(frozen=True)
class IncidentInfo:
    org: str
    date: str
    summary: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ExperimentInfo:
    name: str
    title: str
    source: str
    incident: IncidentInfo


@dataclass(frozen=True)
class Expected:
    verdict: Literal["pass", "fail"]
    because: tuple[str, ...] = ()


@dataclass(frozen=True)
class Actual:
    """The run's verdict; `matched` is false for an inconclusive run, which is no mismatch."""

    verdict: RunVerdict
    matched: bool
    reason: str

    @property
    def inconclusive(self) -> bool:
        return self.verdict == "inconclusive"


@dataclass(frozen=True)
class BudgetFigures:
    target_pct: float
    spent_pct: float | None
    bad_requests: int
    requests: int


@dataclass(frozen=True)
class Kpis:
    """The headline numbers: detect, recover, worst second, p99 under fault, budget, unserved."""

    time_to_detect_s: float | None
    time_to_recover_s: dict[str, float | None]
    worst_recovery_s: float | None
    worst_availability_pct: float | None
    worst_availability_at_s: float | None
    p99_during_fault_ms: float | None
    error_budget: BudgetFigures
    unserved_requests: int
    requests: int
    invariants_failed: tuple[str, ...]
    invariants_passed: tuple[str, ...]


@dataclass(frozen=True)
class RunResult:
    record: RunRecord
    experiment: ExperimentInfo
    expected: Expected
    actual: Actual
    checks: tuple[Check, ...] = ()
    invariants: tuple[InvariantResult, ...] = ()
    phases: tuple[PhaseStats, ...] = ()
    kpis: Kpis | None = None
    charts: tuple[ChartSeries, ...] = ()
    spark: ChartSeries | None = None
    bank_state_problem: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    people: PeopleFigures | None = None
    """Communication timeline, notification coverage, contact centre (None: no such export)."""

    @property
    def run_id(self) -> str:
        return self.record.run_id

    @property
    def profile(self) -> str:
        return self.record.profile

    def checks_of(self, kind: str) -> list[Check]:
        return [c for c in self.checks if c.kind == kind]


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 3)


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("bank-chaos-harness", "locust", "fastapi", "uvicorn", "httpx", "pydantic"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


def experiment_info(experiment: Experiment, source: str) -> ExperimentInfo:
    incident = experiment.incident
    return ExperimentInfo(
        experiment.name,
        experiment.title,
        source,
        IncidentInfo(incident.org, str(incident.date), incident.summary, tuple(incident.sources)),
    )


def budget_target_pct(experiment: Experiment) -> float:
    """The first baseline availability bar of the experiment, else the default target."""
    return next(
        (
            bar.availability_pct
            for phases in experiment.slo.values()
            for phase, bar in phases.items()
            if phase == "baseline" and bar.availability_pct is not None
        ),
        DEFAULT_BUDGET_TARGET_PCT,
    )


def kpis(
    evidence: Evidence, checks: Sequence[Check], events: Sequence[StatusEvent], target_pct: float
) -> Kpis:
    samples = evidence.samples
    journeys = journeys_of(samples)
    fault = evidence.window("fault")
    assert fault is not None
    after = worst_degradation(samples, journeys, fault.start_s, evidence.run_end_s)
    under_fault = phase_stats(samples, journeys, fault) if journeys else None
    budget = error_budget_spent(
        samples,
        journeys,
        target_pct,
        Window("run", evidence.windows[0].start_s, evidence.run_end_s),
    )
    recovery = {c.id.subject: _finite(c.measured) for c in checks if c.kind == "recovery"}
    at = after.lowest_availability_at_s
    return Kpis(
        time_to_detect_s=_finite(time_to_detect_s(events, fault.start_s)),
        time_to_recover_s=recovery,
        worst_recovery_s=max((v for v in recovery.values() if v is not None), default=None),
        worst_availability_pct=_finite(after.lowest_availability_pct),
        worst_availability_at_s=_finite(None if at is None else at - evidence.windows[0].start_s),
        p99_during_fault_ms=_finite(under_fault.p99_ms) if under_fault else None,
        error_budget=BudgetFigures(
            target_pct, _finite(budget.spent_pct), budget.bad, budget.requests
        ),
        unserved_requests=sum(1 for s in samples if not s.served),
        requests=len(samples),
        invariants_failed=tuple(c.id.subject for c in checks if c.kind == "invariant"
                                and c.status == "fail"),
        invariants_passed=tuple(c.id.subject for c in checks if c.kind == "invariant"
                                and c.status == "pass"),
    )  # fmt: skip


def charts(evidence: Evidence, t0_s: float) -> tuple[ChartSeries, ...]:
    """One series for all journeys pooled, then one per journey."""
    journeys = journeys_of(evidence.samples)
    if not journeys:
        return ()
    end_s = evidence.windows[-1].end_s
    pooled = chart_series(evidence.samples, journeys, t0_s, end_s, label=ALL_JOURNEYS)
    return (pooled, *(chart_series(evidence.samples, j, t0_s, end_s, label=j) for j in journeys))


def spark(evidence: Evidence, t0_s: float) -> ChartSeries | None:
    """The error rate over the run in at most SPARK_POINTS points, for the suite index."""
    journeys = journeys_of(evidence.samples)
    if not journeys:
        return None
    end_s = evidence.windows[-1].end_s
    return chart_series(evidence.samples, journeys, t0_s, end_s, max_points=SPARK_POINTS)


def figures(
    evidence: Evidence,
    checks: Sequence[Check],
    events: Sequence[StatusEvent],
    experiment: Experiment,
    t0_s: float,
) -> dict[str, object]:
    """Every figure of a judged run, as RunResult fields."""
    journeys = journeys_of(evidence.samples)
    return {
        "phases": tuple(phase_table(evidence.samples, journeys, evidence.windows)),
        "kpis": kpis(evidence, checks, events, budget_target_pct(experiment)),
        "charts": charts(evidence, t0_s),
        "spark": spark(evidence, t0_s),
        "people": people_figures(evidence, t0_s),
    }


def write_result(run_dir: Path, result: RunResult) -> Path:
    return write_document(run_dir / "result.json", result, RESULT_SCHEMA)


def read_result(run_dir: Path) -> RunResult:
    return read_document(RunResult, run_dir / "result.json", RESULT_SCHEMA)
