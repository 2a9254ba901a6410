"""Load stages in an experiment file: the offered rate and mix changing during a run.

    load:
      rate_per_s: 40
      mix: {balance: 60, transfer: 40}
      stages:
        - {at: fault, rate_per_s: 200, shape: ramp}          # climbs from 40 ...
        - {at: fault+10s, rate_per_s: 200, mix: {login: 50, password_change: 30, contact: 20}}
        - {at: recovery, rate_per_s: 40}                     # ... a step back down

Until the first stage the load runs at its `rate_per_s` and `mix`. Each stage holds from its
`at` (the timeline's marks: `25s`, `fault`, `fault+5s`, time-scaled like every duration)
until the next stage's `at` or the run's end: `step` (the default) holds `rate_per_s`
throughout; `ramp` climbs (or falls) linearly from the rate in force at its `at` to
`rate_per_s` at the next stage's `at` (the run's end for the last stage). A stage's `mix`
holds throughout the stage; without one it keeps the mix before it.

`stage_findings` checks across fields (every `at` inside the run, in increasing order);
`resolve_stages` turns the stages into `harness.load.plan.Stage`s at a time scale.
Pure: no files, no clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field

from harness import limits
from harness.history.samples import JOURNEYS
from harness.load.plan import Stage
from harness.spec.base import PathPart, SpecModel, known, within
from harness.spec.durations import TimelineMark
from harness.spec.schedule import PhaseWindow, phase_windows, resolve

if TYPE_CHECKING:
    from harness.spec.model import Experiment

StageJourney = Annotated[str, AfterValidator(known("journey", JOURNEYS))]
StageMix = Annotated[
    Mapping[StageJourney, Annotated[float, within(limits.MIX_WEIGHT)]], Field(min_length=1)
]


class LoadStage(SpecModel):
    """From `at`: the offered `rate_per_s` (held, or ramped to by the next stage), `mix`."""

    at: TimelineMark
    rate_per_s: Annotated[float, within(limits.RATE_PER_S)]
    shape: Literal["step", "ramp"] = "step"
    mix: StageMix | None = None


def stage_findings(experiment: Experiment) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    """Each stage's `at` inside the run and after the stage before it."""
    windows = phase_windows(experiment.phases.lengths_s)
    total_s = windows[-1].end_s
    previous_s: float | None = None
    for index, stage in enumerate(experiment.load.stages):
        at_s = resolve(stage.at, windows)
        where: tuple[PathPart, ...] = ("load", "stages", index, "at")
        if not 0 <= at_s < total_s:
            yield where, f"{at_s:g}s from the start is outside the run, which lasts {total_s:g}s"
        elif previous_s is not None and at_s <= previous_s:
            yield (
                where,
                (
                    f"starts at {at_s:g}s, not after the stage before it ({previous_s:g}s); "
                    "list stages in time order"
                ),
            )
        previous_s = at_s


def resolve_stages(
    stages: Sequence[LoadStage], lengths_s: Sequence[float], time_scale: float = 1.0
) -> tuple[Stage, ...]:
    """The stages in real seconds from the run's start, at `time_scale`."""
    windows: Sequence[PhaseWindow] = phase_windows(lengths_s, time_scale)
    return tuple(
        Stage(
            start_s=resolve(stage.at, windows, time_scale),
            rate_per_s=stage.rate_per_s,
            shape=stage.shape,
            mix=None if stage.mix is None else tuple(stage.mix.items()),
        )
        for stage in stages
    )
