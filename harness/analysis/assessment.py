"""Analyses a stored run: load records + exports + timeline -> checks, verdict, KPIs, outputs.

Reads only the run folder (written by the engine before any analysis), so `harness report
RUN_DIR` re-checks a run offline and gets the same answer. Writes `result.json` and
`junit.xml` (and the HTML report when the report package is installed) into the folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.analysis.result import build_result, write_junit, write_result
from harness.analysis.verdicts import (
    Check,
    RecoveryBar,
    RunHistory,
    SloTarget,
    evaluate,
    matches_expectation,
    overall,
)
from harness.errors import ConfigError
from harness.history.bankstate import BankState
from harness.history.exports import bank_state, read_exports
from harness.history.samples import LOAD_STOPPED, Sample, read_samples
from harness.metrics import StatusEvent, Window
from harness.report.html import write_run_report
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

    def line(self) -> str:
        mark = "✔" if self.matched else "✘"
        return (
            f"{mark} {self.experiment} [{self.profile}] expected {self.expected}, "
            f"got {self.actual}: {self.reason}\n    {self.run_dir / 'report.html'}"
        )


def slo_targets(experiment: Experiment) -> list[SloTarget]:
    return [
        SloTarget(journey, phase, bar.availability_pct, bar.p50_ms, bar.p95_ms, bar.p99_ms)
        for journey, phases in experiment.slo.items()
        for phase, bar in phases.items()
    ]


def recovery_bars(experiment: Experiment) -> list[RecoveryBar]:
    rec = experiment.recovery
    if rec is None:
        return []
    return [
        RecoveryBar(tuple(rec.journeys), rec.max_time_to_recover_s, max(1, round(rec.window_s)))
    ]


def status_events(exports: dict[str, Any]) -> list[StatusEvent]:
    history = exports.get("mobile-api", {}).get("status_history", [])
    kinds = {"incident_opened": True, "incident_resolved": False}
    return [
        StatusEvent(float(c["at_s"]), kinds[c["kind"]]) for c in history if c.get("kind") in kinds
    ]


def load_history(path: Path) -> tuple[Sample, ...]:
    """The run's samples, less the requests the harness itself cut when it stopped the load.

    Those were due at the very end and never got their answer because the load stopped, not
    because the bank failed; counting them would charge the bank for the harness's exit.
    """
    if not path.exists():
        return ()
    return tuple(s for s in read_samples(path) if s.detail != LOAD_STOPPED)


def run_checks(
    run: dict[str, Any],
    experiment: Experiment,
    samples: tuple[Sample, ...],
    state: BankState | None,
) -> tuple[list[Check], RunHistory]:
    t0 = float(run["t0"])
    phases = {p["name"]: p for p in run["schedule"]["phases"]}
    fault_start_s = t0 + phases["fault"]["start_s"]
    windows = tuple(
        Window(name, t0 + p["start_s"], t0 + p["end_s"],
               answered_by_s=fault_start_s if name == "baseline" else None)
        for name, p in phases.items()
    )  # fmt: skip
    fault = next(w for w in windows if w.name == "fault")
    history = RunHistory(samples, windows, fault.end_s, windows[-1].end_s)
    checks = evaluate(
        history, slo_targets(experiment), recovery_bars(experiment), experiment.invariants, state
    )
    if run.get("abort_reason"):
        checks.append(Check("abort", "slo", "fail", run["abort_reason"]))
    failed_steps = [e for e in run.get("timeline", []) if e["outcome"] != "ok"]
    if failed_steps:
        step = failed_steps[0]
        checks.append(
            Check(
                "timeline",
                "slo",
                "unknown",
                f"{len(failed_steps)} timeline step(s) failed, first: {step['step']} "
                f"{step['description']}: {step['error']}",
            )
        )
    return checks, history


def analyse_run(run_dir: Path) -> RunOutcome:
    """Analyse the run stored in `run_dir` and write its outputs."""
    try:
        run = json.loads((run_dir / "run.json").read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{run_dir}: cannot read run.json: {exc}") from exc
    experiment = load_experiment(run_dir / f"{run['experiment']}.yaml")
    expected = experiment.profiles[run["profile"]]
    if run.get("status") not in ("completed", "aborted") or "t0" not in run:
        reason = run.get("error", f"the run did not complete ({run.get('status')})")
        result = build_result(
            run, experiment, [], None, actual="unknown", matched=False, reason=reason
        )
        write_result(run_dir, result)
        return RunOutcome(
            experiment.name, run["profile"], run_dir, expected.verdict, "unknown", False, reason
        )
    samples = load_history(run_dir / "load.jsonl")
    exports = read_exports(run_dir / "exports")
    state, state_problem = bank_state(exports)
    checks, history = run_checks(run, experiment, samples, state)
    verdict = overall(checks)
    matched, reason = matches_expectation(verdict, expected.verdict, expected.because)
    result = build_result(
        run,
        experiment,
        checks,
        history,
        actual=verdict.status,
        matched=matched,
        reason=reason,
        state_problem=state_problem,
        events=status_events(exports),
    )
    write_result(run_dir, result)
    write_junit(run_dir, result)
    write_run_report(run_dir)
    return RunOutcome(
        experiment.name, run["profile"], run_dir, expected.verdict, verdict.status, matched, reason
    )
