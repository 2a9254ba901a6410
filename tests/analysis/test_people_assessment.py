"""The people checks through the real offline analysis of a stored run folder: the bars in the
experiment file and the status service's export in `exports/` give `comms:` and `detect:`
checks in result.json, which fail a run whose page stayed silent and are unknown (the run
inconclusive about them) when the bank had no status service."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from harness.analysis.assessment import analyse_run
from harness.analysis.result import read_result
from tests.report.runs import T0, RunSpec, build_run

BARS = """\
comms:
  first_update_within_s: 5
  components_shown: true
detect:
  availability_within_s: 5
"""
FAULT_START = T0 + 5.0  # RunSpec's baseline is 5 s; balance fails through the fault


def stored_run(tmp_path: Path, status: Mapping[str, object] | None) -> Path:
    folder = build_run(tmp_path, RunSpec("people")).run_dir
    experiment = folder / "demo-core-crash.yaml"
    experiment.write_text(experiment.read_text() + BARS)
    exported = folder / "exports" / "status.json"
    if status is None:
        exported.unlink()  # a bank without a status service
    else:
        exported.write_text(json.dumps(status))
    return folder


def checks_of(folder: Path) -> dict[str, tuple[str, float | None]]:
    analyse_run(folder)
    result = read_result(folder)
    return {
        str(c.id): (c.status, c.measured) for c in result.checks if c.kind in ("comms", "detect")
    }


def incident(opened_s: float, components: list[str]) -> dict[str, object]:
    return {
        "incident_id": "INC-1", "kind": "availability", "title": "Balances down",
        "status": "investigating", "components": components, "opened_at_s": opened_s,
        "resolved_at_s": None, "source": "burn_rate",
        "updates": [{"at_s": opened_s, "status": "investigating", "message": "looking",
                     "estimated_restoration_s": opened_s + 60}],
    }  # fmt: skip


def test_a_page_that_told_customers_passes_in_result_json(tmp_path: Path) -> None:
    status = {"incidents": [incident(FAULT_START + 2.0, ["balances"])],
              "detections": [{"at_s": FAULT_START + 1.5, "kind": "burn_rate",
                              "component": "balances", "detail": "1.0"}]}  # fmt: skip
    assert checks_of(stored_run(tmp_path, status)) == {
        "comms:status:first_update": ("pass", 2.0),
        "comms:status:components": ("pass", 0.0),
        "detect:availability:time": ("pass", 1.5),
    }


def test_a_silent_page_fails_the_run_for_comms_and_detect(tmp_path: Path) -> None:
    folder = stored_run(tmp_path, {"incidents": [], "detections": []})
    assert checks_of(folder) == {
        "comms:status:first_update": ("fail", None),
        "comms:status:components": ("fail", 1.0),
        "detect:availability:time": ("fail", None),
    }
    assert read_result(folder).actual.verdict == "fail"


def test_a_bank_without_a_status_service_leaves_them_unknown(tmp_path: Path) -> None:
    found = checks_of(stored_run(tmp_path, None))
    assert {status for status, _ in found.values()} == {"unknown"}
