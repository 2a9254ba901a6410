"""A suite of runs: one entry per experiment x profile, `reports/suite.json` and the verdict table.

Each suite run is also appended to `reports/history.jsonl`, the trend the index page draws.
"""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from harness.analysis.assessment import RunOutcome

SuiteOutcome = Literal["as expected", "mismatch", "inconclusive"]


@dataclass(frozen=True)
class SuiteEntry:
    experiment: str
    profile: str
    expected: str
    actual: str
    matched: bool
    reason: str
    run_dir: str | None
    duration_s: float | None = None

    @property
    def outcome(self) -> SuiteOutcome:
        if self.matched:
            return "as expected"
        return "inconclusive" if self.actual in ("inconclusive", "error") else "mismatch"

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
            outcome.duration_s,
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
        "mismatched": sum(e.outcome == "mismatch" for e in entries),
        "inconclusive": sum(e.outcome == "inconclusive" for e in entries),
        "entries": [{**asdict(e), "outcome": e.outcome} for e in entries],
    }
    path = out / "suite.json"
    path.write_text(json.dumps(document, indent=2))
    write_suite_junit(out / "junit.xml", entries, document["started_at"])
    with (out / "history.jsonl").open("a", encoding="utf-8") as history:
        history.write(json.dumps(document) + "\n")
    return path


OUTCOME_WORDS: dict[SuiteOutcome, str] = {
    "as expected": "ok",
    "mismatch": "MISMATCH",
    "inconclusive": "INCONCLUSIVE",
}


def write_suite_junit(path: Path, entries: list[SuiteEntry], started_at: str) -> Path:
    """One testcase per experiment x profile: passing when its verdict matched, failing (with
    the reason) on a mismatch, skipped when inconclusive; each with its run's time."""
    suite = ET.Element(
        "testsuite",
        {
            "name": "bank-chaos",
            "tests": str(len(entries)),
            "failures": str(sum(e.outcome == "mismatch" for e in entries)),
            "skipped": str(sum(e.outcome == "inconclusive" for e in entries)),
            "time": f"{sum(e.duration_s or 0.0 for e in entries):.3f}",
            "timestamp": started_at,
        },
    )
    for entry in entries:
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": entry.experiment,
                "name": f"{entry.experiment}[{entry.profile}]",
                "time": f"{entry.duration_s or 0.0:.3f}",
            },
        )
        if entry.outcome == "mismatch":
            ET.SubElement(case, "failure", {"message": entry.reason}).text = entry.reason
        elif entry.outcome == "inconclusive":
            ET.SubElement(case, "skipped", {"message": entry.reason})
        else:
            ET.SubElement(case, "system-out").text = entry.reason
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
    return path


def print_table(entries: list[SuiteEntry]) -> None:
    """The verdict table: experiment, profile, expected, actual, as expected or not, why."""
    rows = [("experiment", "profile", "expected", "actual", "", "reason")]
    rows += [
        (e.experiment, e.profile, e.expected, e.actual, OUTCOME_WORDS[e.outcome], e.reason)
        for e in entries
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(5)]
        print("  ".join(cells) + "  " + row[5][:110], file=sys.stdout)
