"""The offered load of a run over time: a rate and a mix that change by stage.

A `LoadPlan` starts at the load's base `rate_per_s` and `mix` and changes at each `Stage`,
in real seconds from the run's start (already time-scaled). A stage holds from its `start_s`
until the next stage starts (or the run ends): `step` holds `rate_per_s` throughout; `ramp`
moves linearly from the rate in force when it starts to `rate_per_s` when the next stage
starts (or at the run's end). A stage's mix (or the one before it, when it gives none) holds
throughout the stage.

The plan is the open model's intensity function: `rate_at(t)` is the offered rate (requests
due per second) at t, `due_count(t)` its integral (requests due by t), `time_of(n)` the
inverse (when the n-th request falls due), which pacing uses to draw arrivals of a
non-homogeneous Poisson process (time rescaling) or evenly spaced ones. The plan is also
written beside the samples (`load.plan.json`) so the analysis knows the offered rate at
every moment. Pure: no clock, no I/O, no locust/gevent.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Shape = Literal["step", "ramp"]
SHAPES: tuple[Shape, ...] = ("step", "ramp")
Mix = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Stage:
    """From `start_s` (real seconds after the run's start): `rate_per_s` by `shape`, `mix`
    (None: the mix before it)."""

    start_s: float
    rate_per_s: float
    shape: Shape = "step"
    mix: Mix | None = None


@dataclass(frozen=True)
class Segment:
    """[start_s, end_s): the rate goes linearly from `rate_from` to `rate_to`; one mix."""

    start_s: float
    end_s: float
    rate_from: float
    rate_to: float
    mix: Mix

    def rate_at(self, t_s: float) -> float:
        if self.end_s <= self.start_s or math.isinf(self.end_s):
            return self.rate_from
        share = (t_s - self.start_s) / (self.end_s - self.start_s)
        return self.rate_from + (self.rate_to - self.rate_from) * share

    def due_until(self, t_s: float) -> float:
        """Requests due in [start_s, t_s], t_s inside the segment."""
        return (t_s - self.start_s) * (self.rate_from + self.rate_at(t_s)) / 2.0

    def time_of(self, count: float) -> float:
        """When `count` requests are due since start_s (inverse of `due_until`)."""
        r0 = self.rate_from
        slope = 0.0
        if not math.isinf(self.end_s) and self.end_s > self.start_s:
            slope = (self.rate_to - r0) / (self.end_s - self.start_s)
        if abs(slope) < 1e-12:
            return self.start_s + count / r0
        # slope/2 x^2 + r0 x - count = 0, the root in [0, length]: stable form
        root = math.sqrt(max(0.0, r0 * r0 + 2.0 * slope * count))
        return self.start_s + 2.0 * count / (r0 + root)


class LoadPlan:
    """The offered rate and mix at every moment of a run of `end_s` seconds."""

    def __init__(
        self, rate_per_s: float, mix: Mix, stages: Sequence[Stage] = (), end_s: float = math.inf
    ) -> None:
        if rate_per_s <= 0 or any(s.rate_per_s <= 0 for s in stages):
            raise ValueError("every rate of a load plan must be > 0")
        starts = [s.start_s for s in stages]
        if any(b <= a for a, b in itertools.pairwise(starts)) or any(s < 0 for s in starts):
            raise ValueError("load stages must start at increasing times >= 0")
        self.rate_per_s, self.mix, self.stages, self.end_s = rate_per_s, mix, tuple(stages), end_s
        self.segments = self._segments()
        self._starts = [seg.start_s for seg in self.segments]
        self._due_before: list[float] = [0.0]
        for seg in self.segments[:-1]:
            self._due_before.append(self._due_before[-1] + seg.due_until(seg.end_s))

    def _segments(self) -> tuple[Segment, ...]:
        segments: list[Segment] = []
        first_start = self.stages[0].start_s if self.stages else self.end_s
        if first_start > 0:
            segments.append(Segment(0.0, first_start, self.rate_per_s, self.rate_per_s, self.mix))
        rate, mix = self.rate_per_s, self.mix
        for index, stage in enumerate(self.stages):
            end_s = self.stages[index + 1].start_s if index + 1 < len(self.stages) else self.end_s
            mix = stage.mix or mix
            start_rate = rate if stage.shape == "ramp" else stage.rate_per_s
            segments.append(Segment(stage.start_s, end_s, start_rate, stage.rate_per_s, mix))
            rate = stage.rate_per_s
        if not segments:  # no stages and no end: the constant rate for ever
            segments.append(Segment(0.0, math.inf, self.rate_per_s, self.rate_per_s, self.mix))
        return tuple(segments)

    def _segment(self, t_s: float) -> int:
        return max(0, bisect.bisect_right(self._starts, t_s) - 1)

    def rate_at(self, t_s: float) -> float:
        """Requests due per second at `t_s` (the last segment's rate after the end)."""
        seg = self.segments[self._segment(t_s)]
        return seg.rate_at(min(t_s, seg.end_s))

    def mix_at(self, t_s: float) -> Mix:
        return self.segments[self._segment(t_s)].mix

    def due_count(self, t_s: float) -> float:
        """Requests due in [0, t_s] (expected, for Poisson arrivals)."""
        index = self._segment(t_s)
        seg = self.segments[index]
        return self._due_before[index] + seg.due_until(min(t_s, seg.end_s))

    def time_of(self, count: float) -> float:
        """When the expected number of due requests reaches `count` (inf: never in the run)."""
        index = max(0, bisect.bisect_right(self._due_before, count) - 1)
        seg = self.segments[index]
        t_s = seg.time_of(count - self._due_before[index])
        return t_s if t_s < seg.end_s or index == len(self.segments) - 1 else seg.end_s

    @property
    def peak_rate_per_s(self) -> float:
        return max(max(seg.rate_from, seg.rate_to) for seg in self.segments)


def stages_to_json(stages: Sequence[Stage]) -> str:
    """The stages as the runner's `--stages` flag takes them (JSON, one line)."""
    return json.dumps(
        [
            {"start_s": s.start_s, "rate_per_s": s.rate_per_s, "shape": s.shape}
            | ({"mix": [list(pair) for pair in s.mix]} if s.mix is not None else {})
            for s in stages
        ],
        separators=(",", ":"),
    )


def stages_from_json(text: str) -> tuple[Stage, ...]:
    """Stages from `stages_to_json`'s text; ValueError with one line when malformed."""
    try:
        raw = json.loads(text)
        stages = []
        for item in raw:
            shape = item.get("shape", "step")
            if shape not in SHAPES:
                raise ValueError(f"shape {shape!r} is not one of {', '.join(SHAPES)}")
            mix = item.get("mix")
            stages.append(
                Stage(
                    start_s=float(item["start_s"]),
                    rate_per_s=float(item["rate_per_s"]),
                    shape=shape,
                    mix=None if mix is None else tuple((str(n), float(w)) for n, w in mix),
                )
            )
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"not a list of stages: {exc}") from None
    return tuple(stages)


def plan_document(plan: LoadPlan) -> dict[str, object]:
    """The plan as `load.plan.json` holds it: what `plan_from_document` rebuilds it from, and
    its segments (seconds from the run's start) for a human or another tool to read."""
    return {
        "rate_per_s": plan.rate_per_s,
        "mix": [list(pair) for pair in plan.mix],
        "stages": json.loads(stages_to_json(plan.stages)),
        "end_s": None if math.isinf(plan.end_s) else plan.end_s,
        "segments": [
            {
                "start_s": seg.start_s,
                "end_s": None if math.isinf(seg.end_s) else seg.end_s,
                "rate_from_per_s": seg.rate_from,
                "rate_to_per_s": seg.rate_to,
                "mix": dict(seg.mix),
            }
            for seg in plan.segments
        ],
    }


def plan_from_document(document: dict[str, object]) -> LoadPlan:
    """The plan `plan_document` wrote; ValueError/TypeError/KeyError when malformed."""
    mix = document["mix"]
    end_s = document.get("end_s")
    if not isinstance(mix, list) or not (end_s is None or isinstance(end_s, int | float)):
        raise ValueError("mix must be a list of [journey, weight] and end_s a number")
    return LoadPlan(
        float(str(document["rate_per_s"])),
        tuple((str(name), float(weight)) for name, weight in mix),
        stages_from_json(json.dumps(document["stages"])),
        math.inf if end_s is None else float(end_s),
    )
