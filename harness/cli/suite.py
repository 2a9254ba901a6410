"""A suite of runs: one entry per experiment x profile, `reports/suite.json` and the verdict table.

Each suite run is also appended to `reports/history.jsonl`, the trend the index page draws.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.analysis.assessment import RunOutcome


@dataclass(frozen=True)
class SuiteEntry:
    experiment: str
    profile: str
    expected: str
    actual: str
    matched: bool
    reason: str
    run_dir: str | None

    @classmethod
    def of(cls, path: Path, profile: str, outcome: RunOutcome | None) -> SuiteEntry:
        if outcome is None:
            return cls(path.stem, profile, "?", "error", False, "the run could not complete", None)
        return cls(
            outcome.experiment,
            profile,
            outcome.expected,
            outcome.actual,
            outcome.matched,
            outcome.reason,
            str(outcome.run_dir),
        )


def write_suite(
    out: Path, entries: list[SuiteEntry], started: float, args: argparse.Namespace
) -> Path:
    """Write `suite.json` and append the suite to `history.jsonl`; returns the suite.json path."""
    out.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {
        "started_at": datetime.fromtimestamp(started, UTC).isoformat(),
        "ended_at": datetime.now(UTC).isoformat(),
        "time_scale": args.time_scale,
        "seed": args.seed,
        "runtime": args.runtime,
        "all_matched": all(e.matched for e in entries),
        "entries": [asdict(e) for e in entries],
    }
    path = out / "suite.json"
    path.write_text(json.dumps(document, indent=2))
    with (out / "history.jsonl").open("a", encoding="utf-8") as history:
        history.write(json.dumps(document) + "\n")
    return path


def print_table(entries: list[SuiteEntry]) -> None:
    """The verdict table: experiment, profile, expected, actual, as expected or not, why."""
    rows = [("experiment", "profile", "expected", "actual", "", "reason")]
    rows += [
        (e.experiment, e.profile, e.expected, e.actual, "ok" if e.matched else "MISMATCH", e.reason)
        for e in entries
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(5)]
        print("  ".join(cells) + "  " + row[5][:110], file=sys.stdout)
