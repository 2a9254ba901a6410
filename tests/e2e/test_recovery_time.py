"""End to end: a link down for a known time gives that time to recover, within a second."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.analysis.assessment import analyse_run
from harness.analysis.result import read_result
from harness.engine.run import RunOptions, run_experiment
from harness.spec.loader import load_experiment
from tests.e2e.tiny import unless_the_machine_was_busy, write_experiment

pytestmark = pytest.mark.e2e


def test_time_to_recover_matches_a_known_outage(tmp_path: Path) -> None:
    """edge-mobile down from the fault start for 5 s, the fault phase lasting 2 s: TTR = 3 ± 1 s."""
    path = write_experiment(
        tmp_path,
        "known-outage",
        timeline=[{"at": "fault", "action": "link_down", "link": "edge-mobile", "duration": "5s"}],
        recovery={"journeys": ["balance"], "max_time_to_recover_s": 6, "window_s": 2},
    )
    run_dir = run_experiment(load_experiment(path), path, RunOptions("hardened", out_dir=tmp_path))
    outcome = analyse_run(run_dir)
    result = read_result(run_dir)
    assert result.kpis is not None
    ttr = result.kpis.time_to_recover_s["balance"]
    assert ttr is not None and abs(ttr - 3.0) <= 1.0, result.kpis
    fault = next(p for p in result.phases if p.journey == "balance" and p.phase == "fault")
    assert fault.availability_pct is not None and fault.availability_pct < 20, fault  # it happened
    unless_the_machine_was_busy(outcome.reason)
    assert outcome.matched, outcome.reason
    assert [e.step for e in result.record.timeline] == ["inject", "heal"]
    assert all(e.outcome == "ok" for e in result.record.timeline)
