"""End to end at a small time scale: a shipped experiment gives its expected verdicts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.tiny import unless_the_machine_was_busy

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]


def test_retry_storm_hardened_passes_and_fragile_duplicates(tmp_path: Path) -> None:
    """Hundreds of concurrent transfers while scheme answers are lost: hardened keeps money
    right (exactly once, conserved, reconciled); fragile pays twice at the clearing house."""
    cmd = [sys.executable, "-m", "harness", "run",
           str(REPO / "experiments/payments-retry-storm.yaml"), "--time-scale", "0.1",
           "--seed", "11", "--out", str(tmp_path)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    unless_the_machine_was_busy(done.stderr)
    assert done.returncode == 0, done.stderr[-3000:]
    results = {}
    for path in (tmp_path / "runs").glob("*/result.json"):
        result = json.loads(path.read_text())
        results[result["record"]["profile"]] = {c["id"]: c for c in result["checks"]}
    hardened, fragile = results["hardened"], results["fragile"]
    for invariant in ("exactly_once", "money_conserved", "payments_reconciled"):
        assert hardened[f"invariant:{invariant}"]["status"] == "pass", hardened
    assert "took effect once" in hardened["invariant:exactly_once"]["reason"]
    journals = int(hardened["invariant:exactly_once"]["reason"].split()[2])
    assert journals >= 150, hardened["invariant:exactly_once"]["reason"]
    assert fragile["invariant:exactly_once"]["status"] == "fail"
    assert fragile["invariant:exactly_once"]["measured"] >= 5
