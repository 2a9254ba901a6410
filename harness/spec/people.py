"""The experiment file's bars for the people half of an outage: `comms:`, `notify:`,
`detect:` and `support:`.

Each section is optional; a section that is given must set at least one bar, and every bar it
sets becomes one check (`people_check_ids` lists their ids, which `expect.because` may cite).
Seconds are real seconds, never scaled by `--time-scale` (as `recovery.max_time_to_recover_s`);
shares are percentages. Ranges come from `harness.limits`. This module declares bars only: what
each check measures is in `harness.analysis.kinds.comms`, `notify`, `detect` and `support`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import model_validator

from harness import limits
from harness.spec.base import SpecModel, located, within
from harness.spec.check_ids import CheckId

Seconds = Annotated[float, within(limits.REAL_TIME_S)]
Percent = Annotated[float, within(limits.AVAILABILITY_PCT)]


class _Bars(SpecModel):
    """A section whose every field is an optional bar; at least one must be set."""

    @model_validator(mode="after")
    def _sets_something(self) -> _Bars:
        if all(value in (None, False) for value in self.model_dump().values()):
            names = ", ".join(type(self).model_fields)
            raise located(f"set at least one of {names}")
        return self


class CommsBars(_Bars):
    """What the status page must do once customers are hurt (`comms:status:*`)."""

    first_update_within_s: Seconds | None = None
    """`comms:status:first_update`: an incident opened or updated within this of impact onset."""
    max_update_gap_s: Seconds | None = None
    """`comms:status:cadence`: no longer silence than this while the incident is open."""
    reachable_pct: Percent | None = None
    """`comms:status:reachable`: the share of customers' status-page reads answered in the fault."""
    resolved_after_recovery: bool = False
    """`comms:status:premature_resolved`: no "resolved" while the journeys still failed."""
    components_shown: bool = False
    """`comms:status:components`: the incident named every component whose journeys failed."""


class NotifyBar(_Bars):
    """Who must be told, and how soon."""

    coverage_pct: Percent | None = None
    within_s: Seconds | None = None


class NotifyBars(_Bars):
    """`notify:outage:*` (affected customers) and `notify:breach:*` (every customer)."""

    outage: NotifyBar | None = None
    breach: NotifyBar | None = None


class DetectBars(_Bars):
    """How soon the bank's own detection must notice (`detect:*:time`)."""

    availability_within_s: Seconds | None = None
    security_within_s: Seconds | None = None


class SupportBars(_Bars):
    """What the contact centre may put callers through (`support:*`)."""

    wait_p95_s: Seconds | None = None
    abandoned_pct: Percent | None = None
    busy_pct: Percent | None = None


def people_check_ids(
    comms: CommsBars | None,
    notify: NotifyBars | None,
    detect: DetectBars | None,
    support: SupportBars | None,
) -> frozenset[CheckId]:
    """The ids of the checks these sections declare (one per bar that is set)."""
    ids: set[CheckId] = set()
    if comms is not None:
        named = {
            "first_update": comms.first_update_within_s is not None,
            "cadence": comms.max_update_gap_s is not None,
            "reachable": comms.reachable_pct is not None,
            "premature_resolved": comms.resolved_after_recovery,
            "components": comms.components_shown,
        }
        ids.update(CheckId("comms", "status", name) for name, on in named.items() if on)
    if notify is not None:
        for reason in ("outage", "breach"):
            bar: NotifyBar | None = getattr(notify, reason)
            if bar is not None and bar.coverage_pct is not None:
                ids.add(CheckId("notify", reason, "coverage"))
            if bar is not None and bar.within_s is not None:
                ids.add(CheckId("notify", reason, "time"))
    if detect is not None:
        if detect.availability_within_s is not None:
            ids.add(CheckId("detect", "availability", "time"))
        if detect.security_within_s is not None:
            ids.add(CheckId("detect", "security", "time"))
    if support is not None:
        if support.wait_p95_s is not None:
            ids.add(CheckId("support", "wait", "p95"))
        if support.abandoned_pct is not None:
            ids.add(CheckId("support", "abandonment"))
        if support.busy_pct is not None:
            ids.add(CheckId("support", "busy"))
    return frozenset(ids)
