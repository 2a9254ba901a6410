"""Load stages in the experiment file: valid ones load and scale, bad ones give one line each."""

from __future__ import annotations

import pytest

from harness.load.plan import LoadPlan, Stage
from harness.spec import ExperimentFileError, load_experiment
from harness.spec.stages import resolve_stages
from tests.spec.conftest import WriteExperiment

STAGES = """\
  customers: 50
  stages:
    - {at: fault, rate_per_s: 100, shape: ramp}
    - at: fault+10s
      rate_per_s: 100
      mix: {login: 50, password_change: 30, contact: 15, status_check: 5}
    - {at: recovery, rate_per_s: 20}
"""


def with_stages(valid_yaml: str, stages: str = STAGES) -> str:
    assert "  customers: 50\n" in valid_yaml
    return valid_yaml.replace("  customers: 50\n", stages, 1)


def test_stages_load_and_resolve_at_the_time_scale(
    write_experiment: WriteExperiment, valid_yaml: str
) -> None:
    """Phases 20 s, 1 m, 30 s: the stages start at 20, 30 and 80 s, or at a tenth of that when
    the run is scaled by 0.1; the surge's mix names the people journeys."""
    experiment = load_experiment(write_experiment(with_stages(valid_yaml)))
    stages = experiment.load.stages
    assert [s.shape for s in stages] == ["ramp", "step", "step"]
    lengths = experiment.phases.lengths_s
    nominal = resolve_stages(stages, lengths)
    assert [s.start_s for s in nominal] == [20.0, 30.0, 80.0]
    scaled = resolve_stages(stages, lengths, time_scale=0.1)
    assert [s.start_s for s in scaled] == pytest.approx([2.0, 3.0, 8.0])
    assert scaled[1].mix is not None and dict(scaled[1].mix)["password_change"] == 30
    assert scaled[0].mix is None and scaled[2].mix is None
    plan = LoadPlan(20, (("balance", 1.0),), scaled, end_s=11.0)
    assert plan.rate_at(1.0) == 20 and plan.rate_at(2.5) == pytest.approx(60)
    assert plan.rate_at(5.0) == 100 and plan.rate_at(9.0) == 20
    assert dict(plan.mix_at(5.0))["contact"] == 15 and plan.mix_at(9.0) == plan.mix_at(5.0)


def test_without_stages_the_rate_is_constant(
    write_experiment: WriteExperiment, valid_yaml: str
) -> None:
    experiment = load_experiment(write_experiment(valid_yaml))
    assert experiment.load.stages == ()
    assert resolve_stages(experiment.load.stages, experiment.phases.lengths_s) == ()


BAD = [
    ("rate_zero", "- {at: recovery, rate_per_s: 20}", "- {at: recovery, rate_per_s: 0}",
     "load.stages[2].rate_per_s", "greater than 0"),
    ("rate_inf", "- {at: recovery, rate_per_s: 20}", "- {at: recovery, rate_per_s: .inf}",
     "load.stages[2].rate_per_s", "finite number"),
    ("shape", "shape: ramp", "shape: surge", "load.stages[0].shape", "not one of: step, ramp"),
    ("journey", "contact: 15", "kontact: 15", "load.stages[1].mix.kontact",
     "unknown journey 'kontact'"),
    ("weight", "contact: 15", "contact: -1", "load.stages[1].mix.contact",
     "greater than 0"),
    ("at_bad", "at: fault+10s", "at: fault+10", "load.stages[1].at", "bad duration"),
    ("at_outside", "at: fault+10s", "at: recovery+40s", "load.stages[1].at",
     "outside the run, which lasts 110s"),
    ("order", "at: fault+10s", "at: 15s", "load.stages[1].at",
     "not after the stage before it (20s)"),
    ("key", "rate_per_s: 100, shape", "rate: 100, shape", "load.stages[0].rate", "unknown key"),
]  # fmt: skip


@pytest.mark.parametrize("bad", BAD, ids=[b[0] for b in BAD])
def test_a_bad_stage_is_one_line_at_its_field(
    write_experiment: WriteExperiment, valid_yaml: str, bad: tuple[str, str, str, str, str]
) -> None:
    """Each bad stage is one problem at its field path and line, with the reason."""
    _, old, new, path, reason = bad
    text = with_stages(valid_yaml)
    assert old in text
    with pytest.raises(ExperimentFileError) as caught:
        load_experiment(write_experiment(text.replace(old, new, 1)))
    problems = [p for p in caught.value.problems if p.field_path == path]
    assert problems, str(caught.value)
    assert reason in problems[0].reason, problems[0].reason
    assert "\n" not in str(problems[0])
    assert problems[0].line == text[: text.index(old)].count("\n") + 1


def test_a_plan_refuses_stages_out_of_order() -> None:
    with pytest.raises(ValueError, match="increasing"):
        LoadPlan(10, (("balance", 1.0),), (Stage(5.0, 20), Stage(5.0, 30)))
