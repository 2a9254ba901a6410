"""The `exfiltrate` action in an experiment file: its documented form loads (defaults filled in,
the fault built from it), and each mistake is one line naming the file, line, field and fix."""

from __future__ import annotations

import pytest

from harness.faults import build_fault
from harness.faults.exfiltrate import Exfiltrate
from harness.spec import ExperimentFileError, load_experiment
from harness.spec.actions import ExfiltrateAction
from tests.spec.conftest import WriteExperiment

DRILL = """\
  - at: fault+5s
    action: exfiltrate
    duration: 40s
"""


def with_drill(valid_yaml: str, drill: str) -> str:
    return valid_yaml.replace("timeline:\n", "timeline:\n" + drill, 1)


def test_a_drill_loads_with_its_defaults_and_builds_its_fault(
    write_experiment: WriteExperiment, valid_yaml: str
) -> None:
    experiment = load_experiment(write_experiment(with_drill(valid_yaml, DRILL)))
    (drill,) = [s for s in experiment.timeline if isinstance(s, ExfiltrateAction)]
    assert (drill.customers, drill.reads_per_s, drill.honeytokens) == (20, 2.0, True)
    assert drill.duration == 40.0
    (planned,) = [a for a in experiment.schedule(0.5).actions if a.action is drill]
    assert (planned.offset_s, planned.duration_s) == (12.5, 20.0)  # baseline 20s * 0.5 + 2.5
    fault = build_fault(drill)
    assert isinstance(fault, Exfiltrate)
    assert (fault.customers, fault.duration_s, fault.reversible) == (20, 40.0, True)
    assert "20 stolen credentials and the honeytokens" in fault.describe()


@pytest.mark.parametrize(
    ("extra", "field", "reason"),
    [
        ("    reads_per_s: 0\n", "reads_per_s", "greater than 0"),
        ("    reads_per_s: .inf\n", "reads_per_s", "finite number"),
        ("    reads_per_s: 250\n", "reads_per_s", "less than or equal to 100"),
        ("    customers: 51\n", "customers", "the bank seeds only 50 customers"),
        ("    customers: -3\n", "customers", "greater than or equal to 1"),
        ("    honeytokens: perhaps\n", "honeytokens", "valid boolean"),
        ("    duration: 2h\n", "duration", "after the run ends"),
    ],
)
def test_each_mistake_is_one_line_at_its_field(
    write_experiment: WriteExperiment, valid_yaml: str, extra: str, field: str, reason: str
) -> None:
    drill = DRILL.replace("    duration: 40s\n", "") if field == "duration" else DRILL
    text = with_drill(valid_yaml, drill + extra)
    with pytest.raises(ExperimentFileError) as caught:
        load_experiment(write_experiment(text))
    (problem,) = caught.value.problems
    assert problem.field_path == f"timeline[0].{field}"
    assert reason in problem.reason
    assert problem.line == text.splitlines().index(extra.rstrip("\n")) + 1
    assert "\n" not in str(problem)


def test_a_drill_without_duration_says_so(
    write_experiment: WriteExperiment, valid_yaml: str
) -> None:
    text = with_drill(valid_yaml, DRILL.replace("    duration: 40s\n", ""))
    with pytest.raises(ExperimentFileError) as caught:
        load_experiment(write_experiment(text))
    (problem,) = caught.value.problems
    assert problem.field_path == "timeline[0].duration"
    assert "\n" not in str(problem)
