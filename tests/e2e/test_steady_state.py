"""The steady-state gate end to end: a bank made unhealthy before the first fault gives an
inconclusive run (exit 3), which the suite reports as neither a detection nor a miss."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.e2e.tiny import unless_the_machine_was_busy, write_experiment

pytestmark = pytest.mark.e2e

FROM_THE_START = {"at": "0s", "action": "link_down", "link": "mobile-core", "duration": "5s"}
"""Balances cannot reach the core from t=0: the baseline cannot hold."""


def test_an_unhealthy_baseline_is_inconclusive_and_no_mismatch(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path,
        "sick-from-the-start",
        timeline=[FROM_THE_START],
        profiles={"hardened": {"verdict": "pass"}, "fragile": {"verdict": "pass"}},
    )
    out = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "harness", "suite", str(path), "--profile", "fragile",
         "--time-scale", "1", "--out", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr[-3000:]
    unless_the_machine_was_busy(done.stderr)  # then that, not the baseline, is the reason
    assert "the bank was not healthy before the fault" in done.stderr
    suite = json.loads((out / "suite.json").read_text())
    assert (suite["mismatched"], suite["inconclusive"]) == (0, 1)
    junit = ET.parse(out / "junit.xml").getroot()
    assert (junit.get("failures"), junit.get("skipped")) == ("0", "1")
    assert "1 inconclusive" in (out / "index.html").read_text()
