"""The typed hand-off: each checker runs once per analysed run, and documents round-trip.

`result.json` carries every invariant's violations and every figure the report shows, so
rendering the report runs no checker; a run folder from an older schema is refused with one
line naming the version.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from harness import invariants
from harness.analysis.result import RESULT_SCHEMA, read_result
from harness.cli.main import main
from harness.history.bankstate import BankState
from harness.history.record import RECORD_SCHEMA, read_record
from harness.history.samples import Sample
from harness.invariants import InvariantResult
from harness.invariants.result import Checker
from tests.report.runs import RunSpec, build_run


def counting(calls: Counter[str]) -> dict[str, Checker]:
    def wrap(name: str, checker: Checker) -> Checker:
        def check(state: BankState, samples: Sequence[Sample]) -> InvariantResult:
            calls[name] += 1
            return checker(state, samples)

        return check

    return {name: wrap(name, checker) for name, checker in invariants.INVARIANTS.items()}


def test_each_checker_runs_once_per_analysed_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Analysis and report together call each named checker exactly once."""
    calls: Counter[str] = Counter()
    monkeypatch.setattr(invariants, "INVARIANTS", counting(calls))
    outcome = build_run(tmp_path, RunSpec("r1", lose_a_transfer=True))
    assert dict(calls) == {"money_conserved": 1, "acknowledged_durable": 1}
    assert (outcome.run_dir / "report.html").is_file()
    result = read_result(outcome.run_dir)
    (durable,) = [r for r in result.invariants if r.name == "acknowledged_durable"]
    assert durable.status == "failed" and durable.violations[0].ids


def test_result_and_record_read_back_into_the_same_types(tmp_path: Path) -> None:
    outcome = build_run(tmp_path, RunSpec("r2"))
    result = read_result(outcome.run_dir)
    assert result.record == read_record(outcome.run_dir)
    assert result.kpis is not None and result.charts and result.spark is not None
    document = json.loads((outcome.run_dir / "result.json").read_text())
    assert document["schema"] == RESULT_SCHEMA
    assert document["record"]["schedule"]["phases"][1]["name"] == "fault"
    assert "slo:balance:fault:availability" in [c["id"] for c in document["checks"]]


@pytest.mark.usefixtures("logging_as_before")
def test_a_run_folder_from_an_older_harness_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = build_run(tmp_path, RunSpec("r3"))
    run_json = outcome.run_dir / "run.json"
    old = json.loads(run_json.read_text())
    del old["schema"]
    run_json.write_text(json.dumps(old))
    with pytest.raises(SystemExit) as exited:
        main(["report", str(outcome.run_dir)])
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert (
        f"written with no schema version (an older harness); this harness reads {RECORD_SCHEMA}"
        in err
    )
