"""The experiment file's schema: what an incident reproduction declares, as frozen models.

An `Experiment` names the incident it reproduces, the load, the phases and the fault timeline,
the steady state it expects (SLOs, recovery, abort conditions), the invariants that must hold,
and what each resilience profile must give (hardened: pass; fragile: fail, and why). Names are
checked against the topology, the load journeys, the profiles and the invariant list; checks
across fields live in `consistency.py`. This module must not read files (see `loader.py`) nor
run anything.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from harness import limits
from harness.history.samples import JOURNEYS
from harness.invariants import INVARIANTS as CHECKERS
from harness.spec.actions import Timeline
from harness.spec.base import ERROR_TYPE, AsTuple, SpecModel, known, located, within
from harness.spec.check_ids import CheckId
from harness.spec.consistency import find_inconsistencies, knob_text
from harness.spec.durations import PHASE_NAMES, PositiveDuration
from harness.spec.people import CommsBars, DetectBars, NotifyBars, SupportBars, people_check_ids
from harness.spec.schedule import Schedule, build_schedule
from harness.spec.stages import LoadStage
from targets.profiles import PROFILES

INVARIANTS = tuple(CHECKERS)
"""Invariants an experiment may require: the names of the checker registry, never a copy."""

Journey = Annotated[str, AfterValidator(known("journey", JOURNEYS))]
PhaseName = Annotated[str, AfterValidator(known("phase", PHASE_NAMES))]
ProfileName = Annotated[str, AfterValidator(known("profile", tuple(PROFILES)))]
InvariantName = Annotated[str, AfterValidator(known("invariant", INVARIANTS))]
AbortScope = Annotated[str, AfterValidator(known("journey", ("any", *JOURNEYS)))]
RealTime = Annotated[float, within(limits.REAL_TIME_S)]
LatencyBar = Annotated[float, within(limits.LATENCY_BAR_MS)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, Field(min_length=1)]
Url = Annotated[str, Field(pattern=r"^https?://\S+$")]
KnobValue = bool | int | float | str | None


class Incident(SpecModel):
    """The real incident the experiment reproduces, with public sources."""

    org: Text
    date: Annotated[datetime.date, Field(strict=False)]
    summary: Text
    sources: Annotated[tuple[Url, ...], AsTuple, Field(min_length=1)]


class Expectation(SpecModel):
    """What a profile must give: pass, or fail with (at least) the checks in `because`."""

    verdict: Literal["pass", "fail"]
    because: Annotated[tuple[str, ...], AsTuple] = ()
    overrides: Mapping[str, KnobValue] = Field(default={}, alias="set")

    @model_validator(mode="after")
    def _reasons_match_verdict(self) -> Expectation:
        if self.verdict == "pass" and self.because:
            raise located("a passing profile takes no 'because'; remove it", "because")
        if self.verdict == "fail" and not self.because:
            raise located("say which checks must fail, e.g. ['invariant:exactly_once']", "because")
        return self

    def knob_settings(self) -> dict[str, str]:
        """The `set:` overrides as `targets.profiles.load_profile` / `--set` take them."""
        return {knob: knob_text(value) for knob, value in self.overrides.items()}


class Load(SpecModel):
    """Customer load, open model: `rate_per_s` requests are due each second whatever happens.

    `users` is the customer pool the generator starts with; it grows with demand (up to
    `harness.load.config.pool_cap`), so a slow bank cannot hold requests back. `stages`
    change the rate and mix during the run (`harness.spec.stages`)."""

    users: Annotated[int, within(limits.USERS)]
    rate_per_s: Annotated[float, within(limits.RATE_PER_S)]
    mix: Annotated[
        Mapping[Journey, Annotated[float, within(limits.MIX_WEIGHT)]], Field(min_length=1)
    ]
    client_timeout_s: Annotated[float, within(limits.CLIENT_TIMEOUT_S)]
    customers: Annotated[int, within(limits.CUSTOMERS)]
    stages: Annotated[tuple[LoadStage, ...], AsTuple] = ()

    @model_validator(mode="before")
    @classmethod
    def _no_think_time(cls, data: object) -> object:
        if isinstance(data, Mapping) and "think_time_s" in data:
            raise located(
                "think_time_s is no longer used: requests fall due at rate_per_s whatever the "
                "bank does (open model), so customers never think between them; remove it",
                "think_time_s",
            )
        return data


class Phases(SpecModel):
    """Nominal length of each phase; the run is baseline, then fault, then recovery."""

    baseline: PositiveDuration
    fault: PositiveDuration
    recovery: PositiveDuration

    @model_validator(mode="after")
    def _fits_a_day(self) -> Phases:
        total_s = sum(self.lengths_s)
        if total_s not in limits.RUN_S:
            reason = f"the run lasts {total_s:g} s; at most {limits.RUN_S.high:,g} s (a day)"
            raise located(reason)
        return self

    @property
    def lengths_s(self) -> tuple[float, float, float]:
        return (self.baseline, self.fault, self.recovery)


class SloBar(SpecModel):
    """The bars one journey must meet in one phase; unset bars are not checked."""

    availability_pct: Annotated[float, within(limits.AVAILABILITY_PCT)] | None = None
    p50_ms: LatencyBar | None = None
    p95_ms: LatencyBar | None = None
    p99_ms: LatencyBar | None = None

    @model_validator(mode="after")
    def _sets_something_in_order(self) -> SloBar:
        bars = {k: v for k, v in self.model_dump().items() if v is not None}
        if not bars:
            raise located("set at least one of availability_pct, p50_ms, p95_ms, p99_ms")
        latencies = [(k, v) for k, v in bars.items() if k != "availability_pct"]
        for (low_key, low), (high_key, high) in itertools.pairwise(latencies):
            if low > high:
                raise located(f"{low_key} ({low:g}) is above {high_key} ({high:g})", high_key)
        return self

    def metrics(self) -> tuple[str, ...]:
        """Check-id metric names of the bars that are set ("availability", "p99", ...)."""
        return tuple(k.split("_")[0] for k, v in self.model_dump().items() if v is not None)


class Recovery(SpecModel):
    """After the fault, each journey must be back within its baseline SLO for `window_s`."""

    journeys: Annotated[tuple[Journey, ...], AsTuple, Field(min_length=1)]
    max_time_to_recover_s: RealTime
    window_s: RealTime = 5.0


class AbortRule(SpecModel):
    """Stop the run early when a journey's error rate stays above the bar for `for_s`."""

    journey: AbortScope
    error_rate_above: Annotated[float, within(limits.ABORT_ERROR_RATE)]
    for_s: RealTime


class Experiment(SpecModel):
    """One incident reproduction; see docs/experiments.md for every field."""

    name: Slug
    title: Text
    incident: Incident
    profiles: Annotated[Mapping[ProfileName, Expectation], Field(min_length=1)]
    load: Load
    phases: Phases
    timeline: Timeline = ()
    slo: Mapping[Journey, Mapping[PhaseName, SloBar]] = {}
    recovery: Recovery | None = None
    abort: Annotated[tuple[AbortRule, ...], AsTuple] = ()
    invariants: Annotated[tuple[InvariantName, ...], AsTuple] = ()
    seed: Annotated[int, within(limits.SEED)] | None = None
    comms: CommsBars | None = None
    notify: NotifyBars | None = None
    detect: DetectBars | None = None
    support: SupportBars | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Experiment:
        findings = find_inconsistencies(self)
        if findings:
            path, reason = findings[0]
            more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
            raise PydanticCustomError(
                ERROR_TYPE, "{reason}", {"reason": reason + more, "at": path, "all": findings}
            )
        return self

    def schedule(self, time_scale: float = 1.0) -> Schedule:
        """Phase windows and action times at `time_scale` (nominal durations x scale)."""
        return build_schedule(self.phases.lengths_s, self.timeline, time_scale)

    def check_ids(self) -> frozenset[str]:
        """Every check this experiment declares, as the ids `because` may cite."""
        ids = {CheckId("invariant", name) for name in self.invariants}
        for journey, phases in self.slo.items():
            for phase, bar in phases.items():
                ids.update(CheckId("slo", journey, phase, metric) for metric in bar.metrics())
        if self.recovery is not None:
            ids.update(CheckId("recovery", journey) for journey in self.recovery.journeys)
        ids.update(CheckId("abort", rule.journey) for rule in self.abort)
        ids.update(people_check_ids(self.comms, self.notify, self.detect, self.support))
        return frozenset(str(i) for i in ids)
