"""The people bars in the schema: `comms:`, `notify:`, `detect:`, `support:` validate with
one-line problems, declare their check ids (so `because` may cite them), and the example in
docs/experiments.md is a valid part of an experiment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.spec import check_file
from tests.spec.conftest import VALID_YAML, WriteExperiment

DOC = Path(__file__).resolve().parents[2] / "docs" / "experiments.md"
(PEOPLE_EXAMPLE,) = re.findall(r"```yml\n(comms:.*?)```", DOC.read_text(encoding="utf-8"),
                               flags=re.DOTALL)  # fmt: skip
EVERY_ID = {
    "comms:status:first_update", "comms:status:cadence", "comms:status:reachable",
    "comms:status:premature_resolved", "comms:status:components",
    "notify:outage:coverage", "notify:outage:time", "notify:breach:coverage",
    "notify:breach:time", "detect:availability:time", "detect:security:time",
    "support:wait:p95", "support:abandonment", "support:busy",
}  # fmt: skip


def with_people(sections: str, because: str = "slo:balance:fault:availability") -> str:
    text = VALID_YAML.replace("because: [slo:balance:fault:availability, invariant:exactly_once]",
                              f"because: [{because}]")  # fmt: skip
    return text + sections


def test_the_documented_example_declares_every_people_check(
    write_experiment: WriteExperiment,
) -> None:
    experiment, problems = check_file(write_experiment(with_people(PEOPLE_EXAMPLE)))
    assert problems == [] and experiment is not None, problems
    assert experiment.comms is not None and experiment.comms.max_update_gap_s == 30.0
    assert experiment.notify is not None and experiment.notify.breach is not None
    assert experiment.check_ids() >= EVERY_ID


def test_because_may_cite_a_people_check_the_experiment_declares(
    write_experiment: WriteExperiment,
) -> None:
    text = with_people("support:\n  busy_pct: 5\n", because="support:busy")
    experiment, problems = check_file(write_experiment(text))
    assert problems == [] and experiment is not None, problems
    undeclared = with_people("support:\n  busy_pct: 5\n", because="support:abandonment")
    experiment, problems = check_file(write_experiment(undeclared))
    assert experiment is None and len(problems) == 1
    assert "support:abandonment" in problems[0].reason


@pytest.mark.parametrize(
    ("sections", "where", "says"),
    [
        ("comms: {}\n", "comms", "set at least one of first_update_within_s"),
        ("comms:\n  components_shown: false\n", "comms", "set at least one"),
        ("notify:\n  outage: {}\n", "notify.outage", "coverage_pct, within_s"),
        ("notify:\n  outage: {coverage_pct: 101}\n", "notify.outage.coverage_pct", "100"),
        ("detect:\n  availability_within_s: 0\n", "detect.availability_within_s", "0"),
        ("support:\n  wait_p95_s: .inf\n", "support.wait_p95_s", ""),
        ("support:\n  busy: 5\n", "support.busy", "did you mean 'busy_pct'"),
        ("comms:\n  first_update_within_s: 1m\n", "comms.first_update_within_s", ""),
    ],
)
def test_bad_bars_are_one_problem_at_their_line(
    write_experiment: WriteExperiment, sections: str, where: str, says: str
) -> None:
    text = with_people(sections)
    experiment, problems = check_file(write_experiment(text))
    assert experiment is None and len(problems) == 1, problems
    (problem,) = problems
    assert problem.field_path == where and says in problem.reason, problem
    assert problem.line is not None and problem.line > VALID_YAML.count("\n")
