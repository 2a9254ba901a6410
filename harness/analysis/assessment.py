"""Analyses a stored run: record + load records + exports -> checks, verdict, figures, outputs.

Reads only the run folder (written by the engine before any analysis), so `harness report
RUN_DIR` re-checks a run offline and gets the same answer. Runs every invariant checker once,
evaluates every registered check kind, and writes `result.json` and `junit.xml`. Renders
nothing: the report reads the result this writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.analysis.evidence import Evidence, RecoveryBar, SloTarget
from harness.analysis.junit import write_junit
from harness.analysis.kinds import evaluate
from harness.analysis.result import (
    Actual,
    Expected,
    RunResult,
    experiment_info,
    figures,
    versions,
    write_result,
)
from harness.analysis.verdicts import matches_expectation, overall
from harness.history.bankstate import BankState
from harness.history.exports import bank_state, read_exports
from harness.history.people import ExportShapeError, PeopleExports, parse_status, people_exports
from harness.history.record import RunRecord, read_record
from harness.history.samples import LOAD_STOPPED, Sample, read_samples
from harness.invariants import InvariantResult, checker_named, run_invariants
from harness.metrics import StatusEvent, Window
from harness.spec.loader import load_experiment
from harness.spec.model import Experiment


@dataclass(frozen=True)
class RunOutcome:
    experiment: str
    profile: str
    run_dir: Path
    expected: str
    actual: str
    matched: bool
    reason: str
    duration_s: float | None = None

    @property
    def inconclusive(self) -> bool:
        """The run said nothing about the bank: neither a match nor a mismatch."""
        return self.actual == "inconclusive"

    def line(self) -> str:
        mark = "?" if self.inconclusive else "✔" if self.matched else "✘"
        return (
            f"{mark} {self.experiment} [{self.profile}] expected {self.expected}, "
            f"got {self.actual}: {self.reason}\n    {self.run_dir / 'report.html'}"
        )


def slo_targets(experiment: Experiment) -> tuple[SloTarget, ...]:
    return tuple(
        SloTarget(journey, phase, bar.availability_pct, bar.p50_ms, bar.p95_ms, bar.p99_ms)
        for journey, phases in experiment.slo.items()
        for phase, bar in phases.items()
    )


def recovery_bars(experiment: Experiment) -> tuple[RecoveryBar, ...]:
    rec = experiment.recovery
    if rec is None:
        return ()
    return (
        RecoveryBar(tuple(rec.journeys), rec.max_time_to_recover_s, max(1, round(rec.window_s))),
    )


def status_events(exports: dict[str, Any]) -> list[StatusEvent]:
    """The status service's availability incidents as (time, open?) events: each opening and
    each resolution (`time_to_detect_s` reads them); none when the service's export is missing
    or misshapen (the `detect:` and `comms:` checks say why)."""
    try:
        status = parse_status(exports.get("status") or {})
    except ExportShapeError:
        return []
    events: list[StatusEvent] = []
    for incident in status.incidents:
        if incident.kind != "availability":
            continue
        events.append(StatusEvent(incident.opened_at_s, True))
        if incident.resolved_at_s is not None:
            events.append(StatusEvent(incident.resolved_at_s, False))
    return events


def load_history(path: Path) -> tuple[Sample, ...]:
    """The run's samples, less the requests the harness itself cut when it stopped the load.

    Those were due at the very end and never got their answer because the load stopped, not
    because the bank failed; counting them would charge the bank for the harness's exit.
    """
    if not path.exists():
        return ()
    return tuple(s for s in read_samples(path) if s.detail != LOAD_STOPPED)


def invariant_results(
    names: tuple[str, ...], state: BankState | None, samples: tuple[Sample, ...]
) -> tuple[InvariantResult, ...]:
    """Each named checker run once; without a bank state (export failed) each is unknown."""
    if state is None:
        for name in names:
            checker_named(name)
        return tuple(
            InvariantResult(n, "unknown", (), "the bank's state could not be exported")
            for n in names
        )
    return run_invariants(names, state, samples)


def evidence_of(
    record: RunRecord,
    experiment: Experiment,
    samples: tuple[Sample, ...],
    invariants: tuple[InvariantResult, ...],
    people: PeopleExports | None = None,
) -> Evidence:
    """The evidence of a finished run: its phase windows from t0, its bars, what it recorded."""
    assert record.t0_s is not None and record.schedule is not None
    t0, schedule = record.t0_s, record.schedule
    fault_start_s = t0 + next(p.start_s for p in schedule.phases if p.name == "fault")
    windows = tuple(
        Window(p.name, t0 + p.start_s, t0 + p.end_s,
               answered_by_s=fault_start_s if p.name == "baseline" else None)
        for p in schedule.phases
    )  # fmt: skip
    fault = next(w for w in windows if w.name == "fault")
    return Evidence(
        samples,
        windows,
        fault.end_s,
        windows[-1].end_s,
        slos=slo_targets(experiment),
        recovery=recovery_bars(experiment),
        invariants=invariants,
        abort=record.abort,
        load=record.load,
        machine=record.machine,
        timeline=record.timeline,
        comms=experiment.comms,
        notify=experiment.notify,
        detect=experiment.detect,
        support=experiment.support,
        people=people or PeopleExports(),
        customers=experiment.load.customers,
    )


def assess(record: RunRecord, experiment: Experiment, run_dir: Path) -> RunResult:
    """The result of the run stored in `run_dir`, whose record and experiment are given."""
    expectation = experiment.profiles[record.profile]
    expected = Expected(expectation.verdict, tuple(expectation.because))
    info = experiment_info(experiment, record.source)
    if not record.finished:
        reason = record.error or f"the run did not complete ({record.status})"
        actual = Actual("inconclusive", False, f"inconclusive: {reason}")
        return RunResult(record, info, expected, actual, versions=versions())
    samples = load_history(run_dir / "load.jsonl")
    exports = read_exports(run_dir / "exports")
    state, state_problem = bank_state(exports)
    invariants = invariant_results(tuple(experiment.invariants), state, samples)
    evidence = evidence_of(record, experiment, samples, invariants, people_exports(exports))
    checks = evaluate(evidence)
    verdict = overall(checks)
    matched, reason = matches_expectation(verdict, expected.verdict, expected.because)
    assert record.t0_s is not None
    return RunResult(
        record,
        info,
        expected,
        Actual(verdict.status, matched, reason),
        checks=tuple(checks),
        invariants=invariants,
        bank_state_problem=state_problem or None,
        versions=versions(),
        **figures(evidence, checks, status_events(exports), experiment, record.t0_s),  # type: ignore[arg-type]
    )


def analyse_run(run_dir: Path) -> RunOutcome:
    """Analyse the run stored in `run_dir`; write `result.json` and `junit.xml`."""
    record = read_record(run_dir)
    experiment = load_experiment(run_dir / f"{record.experiment}.yaml")
    result = assess(record, experiment, run_dir)
    write_result(run_dir, result)
    if result.checks:  # a run that did not finish has no check to list
        write_junit(run_dir, result)
    return RunOutcome(
        experiment.name,
        record.profile,
        run_dir,
        result.expected.verdict,
        result.actual.verdict,
        result.actual.matched,
        result.actual.reason,
        record.duration_s,
    )
