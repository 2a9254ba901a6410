"""End to end, local runtime: slow start, isolation and freeze inject and heal cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.analysis.assessment import analyse_run
from harness.analysis.result import read_result
from harness.engine.run import RunOptions, run_experiment
from harness.spec.loader import load_experiment
from tests.e2e.tiny import unless_the_machine_was_busy, write_experiment

pytestmark = pytest.mark.e2e


def test_slow_start_isolate_and_freeze(tmp_path: Path) -> None:
    """Each fault injects and heals; the balance journey recovers; the verdict is as expected."""
    path = write_experiment(
        tmp_path,
        "process-faults",
        timeline=[
            {"at": "fault", "action": "slow_start", "service": "payments", "duration": "1s"},
            {"at": "fault", "action": "isolate", "service": "core-dc-b", "duration": "1s"},
            {"at": "fault+1s", "action": "freeze", "service": "clearing", "duration": "500ms"},
        ],
        recovery={"journeys": ["balance"], "max_time_to_recover_s": 6, "window_s": 2},
    )
    run_dir = run_experiment(load_experiment(path), path, RunOptions("hardened", out_dir=tmp_path))
    outcome = analyse_run(run_dir)
    result = read_result(run_dir)
    steps = sorted((e.kind, e.step, e.outcome) for e in result.record.timeline)
    kinds = ("freeze", "isolate", "slow_start")
    assert steps == sorted((k, s, "ok") for k in kinds for s in ("inject", "heal")), steps
    unless_the_machine_was_busy(outcome.reason)
    assert outcome.matched, outcome.reason
