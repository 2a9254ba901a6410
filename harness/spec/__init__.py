"""Experiment files: the schema (`model`, `actions`), the schedule, and the YAML loader.

    from harness.spec import load_experiment
    experiment = load_experiment("experiments/interbank-core-crash.yaml")
    schedule = experiment.schedule(time_scale=0.1)

Nothing here runs an experiment; the engine does, from the parsed `Experiment`.
"""

from harness.spec.actions import ACTION_KINDS, TOXIC_ATTRIBUTES, Action, ToxicSpec
from harness.spec.durations import PHASE_NAMES, Mark, parse_duration, parse_mark
from harness.spec.loader import ExperimentFileError, check_file, load_experiment, validate_files
from harness.spec.model import INVARIANTS, Experiment
from harness.spec.problems import Problem
from harness.spec.schedule import PhaseWindow, Schedule, ScheduledAction

__all__ = [
    "ACTION_KINDS",
    "INVARIANTS",
    "PHASE_NAMES",
    "TOXIC_ATTRIBUTES",
    "Action",
    "Experiment",
    "ExperimentFileError",
    "Mark",
    "PhaseWindow",
    "Problem",
    "Schedule",
    "ScheduledAction",
    "ToxicSpec",
    "check_file",
    "load_experiment",
    "parse_duration",
    "parse_mark",
    "validate_files",
]
