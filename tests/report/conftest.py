"""Shared synthetic run folders and a suite over them, built once per test session."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.report.runs import HOSTILE, RunSpec, build_run

EXPERIMENT = "demo-core-crash"
FRAGILE_OLD = f"20270101T000000-{EXPERIMENT}-fragile-1"
HARDENED = f"20270101T010000-{EXPERIMENT}-hardened-1"
FRAGILE_NEW = f"20270101T020000-{EXPERIMENT}-fragile-2"


@dataclass(frozen=True)
class Reports:
    """A reports folder with runs/ (three analysed runs), suite.json and history.jsonl."""

    root: Path

    def run(self, run_id: str) -> Path:
        return self.root / "runs" / run_id


@pytest.fixture(scope="session")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Reports:
    """Fragile (old), hardened, fragile (new, hostile title, lost transfers, failed heal)."""
    root = tmp_path_factory.mktemp("reports")
    runs = root / "runs"
    build_run(runs, RunSpec(FRAGILE_OLD, started_offset_s=-7200))
    hardened = build_run(
        runs,
        RunSpec(HARDENED, profile="hardened", balance_fails_in_fault=False, started_offset_s=-3600),
    )
    fragile = build_run(
        runs, RunSpec(FRAGILE_NEW, title=HOSTILE, lose_a_transfer=True, failed_heal=True)
    )
    entries = [
        {
            "experiment": o.experiment,
            "profile": o.profile,
            "expected": o.expected,
            "actual": o.actual,
            "matched": o.matched,
            "reason": o.reason,
            "run_dir": str(o.run_dir),
            "outcome": "as expected"
            if o.matched
            else "inconclusive"
            if o.inconclusive
            else "mismatch",
        }
        for o in (hardened, fragile)
    ]
    entries.append(
        {
            "experiment": "payments-retry-storm",
            "profile": "hardened",
            "expected": "pass",
            "actual": "fail",
            "matched": False,
            "reason": f"expected pass | got fail\n{HOSTILE}",
            "run_dir": None,
        }
    )
    suite = {
        "started_at": "2027-01-01T02:00:00+00:00",
        "ended_at": "2027-01-01T02:05:00+00:00",
        "time_scale": 0.1,
        "seed": None,
        "runtime": "local",
        "all_matched": False,
        "entries": entries,
    }
    (root / "suite.json").write_text(json.dumps(suite))
    with (root / "history.jsonl").open("w") as history:
        for day in range(1, 4):
            past = dict(suite, started_at=f"2026-12-0{day}T02:00:00+00:00", entries=entries[:2])
            history.write(json.dumps(past) + "\n")
        history.write("{torn line\n")
        history.write(json.dumps(suite) + "\n")
    return Reports(root)
