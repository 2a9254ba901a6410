"""`result.json` (schema in docs/results.md) and `junit.xml` for one analysed run.

`build_result` is pure: it turns the checks and the history into the document.
The writers are the only I/O here.
"""

from __future__ import annotations

import json
import math
import platform
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from harness.analysis.verdicts import Check, RunHistory
from harness.metrics import (
    StatusEvent,
    Window,
    error_budget_spent,
    phase_stats,
    phase_table,
    time_to_detect_s,
    worst_degradation,
)
from harness.spec.model import Experiment

RESULT_SCHEMA = "bank-chaos/result/v1"
DEFAULT_BUDGET_TARGET_PCT = 99.0


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 3)


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("bank-chaos-harness", "locust", "fastapi", "uvicorn", "httpx", "pydantic"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


def kpis(
    experiment: Experiment,
    checks: Sequence[Check],
    history: RunHistory,
    events: Sequence[StatusEvent],
) -> dict[str, Any]:
    """The headline numbers: detect, recover, worst second, p99 under fault, budget, unserved."""
    journeys = sorted({s.journey for s in history.samples})
    fault = history.window("fault")
    assert fault is not None
    after = worst_degradation(history.samples, journeys, fault.start_s, history.run_end_s)
    under_fault = phase_stats(history.samples, journeys, fault) if journeys else None
    target = next(
        (
            bar.availability_pct
            for phases in experiment.slo.values()
            for phase, bar in phases.items()
            if phase == "baseline" and bar.availability_pct is not None
        ),
        DEFAULT_BUDGET_TARGET_PCT,
    )
    run_window = Window("run", history.windows[0].start_s, history.run_end_s)
    budget = error_budget_spent(history.samples, journeys, target, run_window)
    recovery = {c.id.split(":", 1)[1]: _finite(c.measured) for c in checks if c.kind == "recovery"}
    invariant_checks = [c for c in checks if c.kind == "invariant"]
    return {
        "time_to_detect_s": _finite(time_to_detect_s(events, fault.start_s)),
        "time_to_recover_s": recovery,
        "worst_recovery_s": max((v for v in recovery.values() if v is not None), default=None),
        "worst_availability_pct": _finite(after.lowest_availability_pct),
        "worst_availability_at_s": _finite(
            None
            if after.lowest_availability_at_s is None
            else after.lowest_availability_at_s - history.windows[0].start_s
        ),
        "p99_during_fault_ms": _finite(under_fault.p99_ms) if under_fault else None,
        "error_budget": {
            "target_pct": target,
            "spent_pct": _finite(budget.spent_pct),
            "bad_requests": budget.bad,
            "requests": budget.requests,
        },
        "unserved_requests": sum(1 for s in history.samples if not s.served),
        "requests": len(history.samples),
        "invariants_failed": [
            c.id.split(":", 1)[1] for c in invariant_checks if c.status == "fail"
        ],
        "invariants_passed": [
            c.id.split(":", 1)[1] for c in invariant_checks if c.status == "pass"
        ],
    }


def build_result(
    run: dict[str, Any],
    experiment: Experiment,
    checks: Sequence[Check],
    history: RunHistory | None,
    *,
    actual: str,
    matched: bool,
    reason: str,
    state_problem: str = "",
    events: Sequence[StatusEvent] = (),
) -> dict[str, Any]:
    expected = experiment.profiles[run["profile"]]
    document: dict[str, Any] = {
        "schema": RESULT_SCHEMA,
        "run_id": run["run_id"],
        "experiment": {
            "name": experiment.name,
            "title": experiment.title,
            "source": run["source"],
            "incident": experiment.incident.model_dump(mode="json"),
        },
        "profile": run["profile"],
        "expected": {"verdict": expected.verdict, "because": list(expected.because)},
        "actual": {"verdict": actual, "matched": matched, "reason": reason},
        "status": run.get("status"),
        "seed": run["seed"],
        "time_scale": run["time_scale"],
        "runtime": run["runtime"],
        "overrides": run.get("overrides", []),
        "started_at": run.get("started_at"),
        "ended_at": run.get("ended_at"),
        "bank_startup_s": run.get("bank_startup_s"),
        "active_dc": run.get("active_dc"),
        "schedule": run.get("schedule"),
        "timeline": run.get("timeline", []),
        "notes": run.get("notes", []),
        "teardown_problems": run.get("teardown_problems", []),
        "bank_state_problem": state_problem or None,
        "checks": [asdict(c) for c in checks],
        "versions": versions(),
    }
    if history is not None:
        journeys = sorted({s.journey for s in history.samples})
        document["phases"] = [
            asdict(row) for row in phase_table(history.samples, journeys, history.windows)
        ]
        document["kpis"] = kpis(experiment, checks, history, events)
    return document


def write_result(run_dir: Path, result: dict[str, Any]) -> Path:
    path = run_dir / "result.json"
    path.write_text(json.dumps(result, indent=2, default=str, allow_nan=False))
    return path


def write_junit(run_dir: Path, result: dict[str, Any]) -> Path:
    """One testsuite per run, one testcase per SLO, recovery bar and invariant check."""
    checks = result["checks"]
    suite = ET.Element(
        "testsuite",
        {
            "name": f"{result['experiment']['name']}[{result['profile']}]",
            "tests": str(len(checks)),
            "failures": str(sum(c["status"] == "fail" for c in checks)),
            "skipped": str(sum(c["status"] == "unknown" for c in checks)),
            "timestamp": result.get("started_at") or "",
        },
    )
    props = ET.SubElement(suite, "properties")
    for key in ("seed", "time_scale", "runtime", "profile"):
        ET.SubElement(props, "property", {"name": key, "value": str(result[key])})
    ET.SubElement(props, "property", {"name": "expected", "value": result["expected"]["verdict"]})
    ET.SubElement(props, "property", {"name": "actual", "value": result["actual"]["verdict"]})
    for check in checks:
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": f"{result['experiment']['name']}.{result['profile']}.{check['kind']}",
                "name": check["id"],
            },
        )
        if check["status"] == "fail":
            ET.SubElement(case, "failure", {"message": check["reason"]}).text = check["reason"]
        elif check["status"] == "unknown":
            ET.SubElement(case, "skipped", {"message": check["reason"]})
        else:
            ET.SubElement(case, "system-out").text = check["reason"]
    path = run_dir / "junit.xml"
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
    return path
