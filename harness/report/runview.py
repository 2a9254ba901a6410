"""The sections of a run report as plain data: verdict, incident, timeline, phases, appendix.

Each function reads one part of a stored `RunResult` (docs/results.md) and returns what the
template shows, already ordered and labelled. Pure over the result it is given: no file, no
HTML, no chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from harness.analysis.checks import Check
from harness.analysis.result import RunResult
from harness.analysis.verdicts import INFRASTRUCTURE_KINDS, steady_state_broken
from harness.history.record import RunRecord
from harness.invariants.result import money
from harness.metrics import PhaseStats
from harness.report.charts import Band, Marker

FIRST_FAILING = 5
SLO_METRICS = ("availability", "p50", "p95", "p99")


@dataclass(frozen=True)
class VerdictView:
    expected: str
    because: tuple[str, ...]
    actual: str
    matched: bool
    reason: str
    failing: tuple[Check, ...]
    more_failing: int


@dataclass(frozen=True)
class TimelineRow:
    label: str
    offset_s: float
    t_s: float | None
    step: str
    kind: str
    description: str
    failed: bool
    error: str


@dataclass(frozen=True)
class SloBadge:
    status: str
    target: float | None
    reason: str


@dataclass(frozen=True)
class PhaseRow:
    phase: str
    stats: PhaseStats
    badges: dict[str, SloBadge]


@dataclass(frozen=True)
class ViolationRow:
    """One kind of violation of one invariant, ready to show."""

    invariant: str
    kind: str
    count: int
    first: str
    worst: str
    ids: tuple[str, ...]
    amount: str | None


def verdict_view(result: RunResult) -> VerdictView:
    """Expected against actual, with the first checks that carry the actual verdict."""
    status = result.actual.verdict
    wanted = "fail" if status == "fail" else "unknown"
    carrying = [c for c in result.checks if c.status == wanted]
    if status == "inconclusive":
        not_carried_out = [
            c for c in result.checks if c.status == "unknown" and c.kind in INFRASTRUCTURE_KINDS
        ]
        unhealthy = [c for c in result.checks if steady_state_broken(c)]
        carrying = not_carried_out or unhealthy or carrying
    return VerdictView(
        expected=result.expected.verdict,
        because=result.expected.because,
        actual=status,
        matched=result.actual.matched,
        reason=result.actual.reason,
        failing=tuple(carrying[:FIRST_FAILING]),
        more_failing=max(0, len(carrying) - FIRST_FAILING),
    )


def timeline_rows(record: RunRecord) -> list[TimelineRow]:
    """Every executed step (inject or heal), labelled A1, A2 ... in the order they ran."""
    steps = sorted(record.timeline, key=lambda e: e.offset_s)
    return [
        TimelineRow(
            f"A{i}", e.offset_s, e.t_s, e.step, e.kind, e.description, e.outcome != "ok", e.error
        )
        for i, e in enumerate(steps, start=1)
    ]


def bands(record: RunRecord) -> list[Band]:
    """The schedule's phases as chart bands, seconds from the run's start."""
    phases = record.schedule.phases if record.schedule else ()
    return [Band(p.name, p.start_s, p.end_s) for p in phases]


def markers(rows: Sequence[TimelineRow]) -> list[Marker]:
    return [Marker(r.label, r.offset_s, r.failed) for r in rows]


def phase_rows(result: RunResult) -> dict[str, list[PhaseRow]]:
    """Per journey, one row per phase with a badge for every SLO check of that cell."""
    checks = {(c.id.subject, c.id.phase, c.id.metric): c for c in result.checks_of("slo")}
    table: dict[str, list[PhaseRow]] = {}
    for stats in result.phases:
        badges = {}
        for metric in SLO_METRICS:
            check = checks.get((stats.journey, stats.phase, metric))
            if check is not None:
                badges[metric] = SloBadge(check.status, check.target, check.reason)
        table.setdefault(stats.journey, []).append(PhaseRow(stats.phase, stats, badges))
    return table


def other_checks(result: RunResult) -> list[Check]:
    """Checks outside the SLO table and the invariants: recovery bars, abort, timeline."""
    return [c for c in result.checks if c.kind not in ("invariant", "slo")]


def violation_rows(result: RunResult) -> list[ViolationRow]:
    """Every violation of every invariant, in the invariants' order."""
    return [
        ViolationRow(
            r.name,
            v.kind.replace("_", " "),
            v.count,
            v.first,
            v.worst,
            v.ids,
            None if v.amount_cents is None else money(v.amount_cents),
        )
        for r in result.invariants
        for v in r.violations
    ]


def load_summary(experiment_yaml: dict[str, Any]) -> list[tuple[str, str]]:
    """What load the run drove, from the experiment file's `load` block."""
    load = experiment_yaml.get("load") or {}
    if not isinstance(load, dict):
        return []
    rows = []
    if "rate_per_s" in load:
        rows.append(("arrival rate", f"{load['rate_per_s']} requests/s (open model)"))
    if "users" in load:
        rows.append(("users", str(load["users"])))
    mix = load.get("mix")
    if isinstance(mix, dict):
        total = sum(v for v in mix.values() if isinstance(v, int | float)) or 1
        rows.append(
            ("journey mix", ", ".join(f"{k} {100 * v / total:.0f} %" for k, v in mix.items()))
        )
    if "client_timeout_s" in load:
        rows.append(("client timeout", f"{load['client_timeout_s']} s"))
    return rows
