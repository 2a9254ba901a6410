"""Checks across fields of an experiment that no single field can make on its own.

Each finding is (field path, reason). Checked: every timeline step has an `at` that falls
inside the run and ends before it; load stages start inside the run, in order; nested faults
carry no time of their own; a removed toxic was added earlier on that link; invariants are not
repeated; profile knob overrides exist and parse; every check a failing profile cites
(`because`) is declared by the experiment; an `exfiltrate` drill steals no more credentials
than the bank seeds customers.
Pure: takes a parsed experiment, returns findings, raises nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING

from harness.spec.actions import (
    ExfiltrateAction,
    MigrateAction,
    ToxicAction,
    ToxicRemoveAction,
    duration_of,
)
from harness.spec.base import PathPart, quote, suggestion, unknown
from harness.spec.check_ids import CheckId
from harness.spec.schedule import phase_windows, resolve
from harness.spec.stages import stage_findings
from targets.profiles import Profile, load_profile

if TYPE_CHECKING:
    from harness.spec.model import Experiment

Finding = tuple[tuple[PathPart, ...], str]

KNOBS = tuple(field.name for field in dataclasses.fields(Profile) if field.name != "name")
"""Resilience knobs a profile's `set:` may override."""


def find_inconsistencies(experiment: Experiment) -> list[Finding]:
    """Every cross-field problem of `experiment`, in file order."""
    return [
        *_timeline_findings(experiment),
        *stage_findings(experiment),
        *_invariant_findings(experiment),
        *_profile_findings(experiment),
    ]


def _timeline_findings(experiment: Experiment) -> Iterator[Finding]:
    windows = phase_windows(experiment.phases.lengths_s)
    total_s = windows[-1].end_s
    added: list[tuple[float, str, str]] = []
    for index, step in enumerate(experiment.timeline):
        if step.at is None:
            yield ("timeline", index, "at"), "missing 'at': when the action happens ('fault+5s')"
            continue
        offset_s = resolve(step.at, windows)
        if not 0 <= offset_s < total_s:
            yield (
                ("timeline", index, "at"),
                (f"{offset_s:g}s from the start is outside the run, which lasts {total_s:g}s"),
            )
            continue
        duration_s = duration_of(step)
        if duration_s is not None and offset_s + duration_s > total_s:
            yield (
                ("timeline", index, "duration"),
                (f"ends at {offset_s + duration_s:g}s, after the run ends at {total_s:g}s"),
            )
        if isinstance(step, MigrateAction) and step.fault_during is not None:
            nested = step.fault_during
            for key in ("at", "duration"):
                if getattr(nested, key) is not None:
                    yield (
                        ("timeline", index, "fault_during", key),
                        (f"a fault during the switch lasts as long as the switch; remove '{key}'"),
                    )
        if isinstance(step, ExfiltrateAction) and step.customers > experiment.load.customers:
            yield (
                ("timeline", index, "customers"),
                (
                    f"{step.customers} stolen credentials, but the bank seeds only"
                    f" {experiment.load.customers} customers (load.customers)"
                ),
            )
        if isinstance(step, ToxicAction):
            added.append((offset_s, step.link, step.toxic.resolved_name))
        if isinstance(step, ToxicRemoveAction):
            names = [n for t, lk, n in added if lk == step.link and t <= offset_s]
            if step.name not in names:
                yield (
                    ("timeline", index, "name"),
                    (
                        f"no toxic {quote(step.name)} added on {step.link} before this step"
                        f"{suggestion(step.name, names)}"
                    ),
                )


def _invariant_findings(experiment: Experiment) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, name in enumerate(experiment.invariants):
        if name in seen:
            yield ("invariants", index), f"invariant {name!r} is listed twice"
        seen.add(name)


def knob_text(value: object) -> str:
    """A YAML knob value as `--set knob=value` text (`false`, `none`, `0.5`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "none" if value is None else str(value)


def _profile_findings(experiment: Experiment) -> Iterator[Finding]:
    declared = experiment.check_ids()
    for profile, expectation in experiment.profiles.items():
        for knob, value in expectation.overrides.items():
            if knob not in KNOBS:
                yield ("profiles", profile, "set", knob), unknown("knob", knob, KNOBS)
                continue
            try:
                load_profile(profile, {knob: knob_text(value)})
            except ValueError as exc:
                yield ("profiles", profile, "set", knob), str(exc)
        for index, check in enumerate(expectation.because):
            try:
                CheckId.parse(check)
            except ValueError as exc:
                yield ("profiles", profile, "because", index), str(exc)
                continue
            if check not in declared:
                valid = ", ".join(sorted(declared)) or "none: declare slo, recovery or invariants"
                yield (
                    ("profiles", profile, "because", index),
                    (
                        f"check {quote(check)} is not declared by this experiment"
                        f"{suggestion(check, declared)}; declared: {valid}"
                    ),
                )
