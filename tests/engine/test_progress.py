"""Off a terminal a run prints a heartbeat line every few seconds; on one it redraws a line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from harness.engine import progress
from harness.engine.abort import AbortWatch
from harness.engine.progress import Progress
from harness.spec.loader import load_experiment

EXPERIMENT = Path(__file__).resolve().parents[2] / "experiments" / "interbank-core-crash.yaml"


def test_off_a_terminal_a_heartbeat_line_says_phase_time_left_rate_and_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schedule = load_experiment(EXPERIMENT).schedule(0.1)
    samples = tmp_path / "load.jsonl"
    samples.write_text(
        "".join(
            f'{{"t_s": {100.0 + i / 10}, "journey": "balance", "status": 200, '
            f'"latency_ms": 5.0, "outcome": "{"ok" if i % 4 else "failed"}"}}\n'
            for i in range(80)
        )
    )
    out = io.StringIO()
    watch = AbortWatch((), samples, 100.0)
    monkeypatch.setattr(progress, "HEARTBEAT_S", 0.0)
    shown = Progress(schedule, watch, enabled=True, stream=out)
    shown.tick(7.5)
    shown.close()
    assert out.getvalue() == "  baseline    27.5 s left     10 req/s   30.0% errors\n"
    silent = io.StringIO()
    Progress(schedule, watch, enabled=False, stream=silent).tick(7.5)
    assert silent.getvalue() == ""
