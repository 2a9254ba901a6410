"""The schedule: phase windows and action offsets at a time scale, pure and order-preserving."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.spec import Experiment, Mark, load_experiment
from harness.spec.actions import CrashAction, LinkUpAction
from harness.spec.schedule import build_schedule
from tests.spec.conftest import WriteExperiment


def _experiment(write_experiment: WriteExperiment, text: str) -> Experiment:
    return load_experiment(write_experiment(text))


def test_sample_schedule_at_a_tenth(write_experiment: WriteExperiment, valid_yaml: str) -> None:
    """At scale 0.1 phases shrink tenfold and actions land at their scaled marks."""
    schedule = _experiment(write_experiment, valid_yaml).schedule(0.1)
    assert [(w.name, w.start_s, w.end_s) for w in schedule.phases] == [
        ("baseline", 0.0, 2.0),
        ("fault", 2.0, 8.0),
        ("recovery", 8.0, 11.0),
    ]
    assert schedule.total_s == pytest.approx(11.0)
    got = [(s.action.action, s.offset_s, s.duration_s) for s in schedule.actions]
    assert got == [
        ("crash", 2.0, 3.0),
        ("toxic", pytest.approx(2.5), 2.0),
        ("toxic_remove", 5.0, None),
        ("migrate", 8.0, None),
    ]
    assert schedule.phase_at(2.0) == "fault"
    assert schedule.phase_at(11.0) is None
    assert schedule.phase("recovery").length_s == pytest.approx(3.0)


def test_schedule_refuses_a_non_positive_scale(
    write_experiment: WriteExperiment, valid_yaml: str
) -> None:
    """A time scale of zero or less is an error, not an empty run."""
    experiment = _experiment(write_experiment, valid_yaml)
    for scale in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="time scale"):
            experiment.schedule(scale)


def test_unknown_phase_lookup_lists_phases(
    write_experiment: WriteExperiment, valid_yaml: str
) -> None:
    """Asking for a phase that does not exist names the valid ones."""
    with pytest.raises(KeyError, match="baseline, fault, recovery"):
        _experiment(write_experiment, valid_yaml).schedule().phase("peak")


lengths = st.tuples(*[st.floats(0.1, 3600, allow_nan=False)] * 3)
marks = st.builds(Mark, st.sampled_from([None, "baseline", "fault", "recovery"]), st.floats(0, 100))


@given(lengths, st.lists(marks, max_size=8), st.floats(0.01, 10), st.floats(0.01, 10))
def test_scaling_preserves_order_and_proportion(
    lengths_s: tuple[float, float, float], at: list[Mark], scale_a: float, scale_b: float
) -> None:
    """Any two scales give the same action order, and every time scales linearly."""
    timeline = [LinkUpAction(action="link_up", link="edge-mobile", at=m) for m in at]
    a = build_schedule(lengths_s, timeline, scale_a)
    b = build_schedule(lengths_s, timeline, scale_b)
    assert [s.index for s in a.actions] == [s.index for s in b.actions]
    for step_a, step_b in zip(a.actions, b.actions, strict=True):
        assert step_a.offset_s / scale_a == pytest.approx(step_b.offset_s / scale_b)
    assert a.total_s / scale_a == pytest.approx(b.total_s / scale_b)
    offsets = [s.offset_s for s in a.actions]
    assert offsets == sorted(offsets)


@given(
    lengths,
    st.lists(st.tuples(marks, st.floats(0.1, 100)), min_size=1, max_size=6),
    st.floats(0.01, 10),
)
def test_valid_experiments_schedule_inside_the_run(
    lengths_s: tuple[float, float, float],
    steps: list[tuple[Mark, float]],
    scale: float,
) -> None:
    """Whenever an experiment validates, every scaled action starts and ends inside the run."""
    timeline = [
        {"at": str(m), "action": "crash", "service": "payments", "duration": f"{d}s"}
        for m, d in steps
    ]
    data = {
        "name": "prop",
        "title": "t",
        "incident": {
            "org": "o",
            "date": "2024-01-01",
            "summary": "s",
            "sources": ["https://example.org"],
        },
        "profiles": {"hardened": {"verdict": "pass"}},
        "load": {
            "users": 1,
            "rate_per_s": 1.0,
            "mix": {"balance": 1.0},
            "client_timeout_s": 1.0,
            "customers": 1,
        },
        "phases": {
            name: f"{length}s"
            for name, length in zip(("baseline", "fault", "recovery"), lengths_s, strict=True)
        },
        "timeline": timeline,
    }
    try:
        experiment = Experiment.model_validate(data)
    except ValueError:
        return  # refused: some step fell outside the run, which the loader reports
    schedule = experiment.schedule(scale)
    for step in schedule.actions:
        assert isinstance(step.action, CrashAction)
        assert 0 <= step.offset_s < schedule.total_s
        assert step.end_s <= schedule.total_s * (1 + 1e-9)
