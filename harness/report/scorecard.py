"""The headline numbers of a run as cards, and how they moved against another run.

Reads the `Kpis` of a run result (docs/results.md) and turns them into labelled,
formatted cards with a tone (good, bad, neutral) and into comparison rows with a direction
that says whether a change is better or worse for the customer. Pure: no file, no HTML.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from harness.analysis.result import Kpis
from harness.history.record import LoadRecord

Tone = Literal["good", "bad", "neutral"]
Better = Literal["lower", "higher"]
Judgement = Literal["better", "worse", "same", "n/a"]


@dataclass(frozen=True)
class Kpi:
    """One headline measure: how to read it from `kpis`, its unit and which way is better."""

    key: str
    label: str
    unit: str
    better: Better
    read: Callable[[Kpis], float | None]


@dataclass(frozen=True)
class KpiCard:
    label: str
    value: str
    detail: str
    tone: Tone


@dataclass(frozen=True)
class KpiDelta:
    label: str
    this: str
    other: str
    arrow: str
    judgement: Judgement


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def _budget(kpis: Kpis) -> float | None:
    return _number(kpis.error_budget.spent_pct)


KPIS = (
    Kpi("ttd", "Time to detect", "s", "lower", lambda k: _number(k.time_to_detect_s)),
    Kpi("ttr", "Time to recover (worst)", "s", "lower", lambda k: _number(k.worst_recovery_s)),
    Kpi(
        "availability",
        "Worst availability",
        "%",
        "higher",
        lambda k: _number(k.worst_availability_pct),
    ),
    Kpi("p99", "p99 during the fault", "ms", "lower", lambda k: _number(k.p99_during_fault_ms)),
    Kpi("budget", "Error budget spent", "%", "lower", _budget),
    Kpi("unserved", "Unserved demand", "requests", "lower", lambda k: float(k.unserved_requests)),
    Kpi(
        "invariants", "Invariants violated", "", "lower", lambda k: float(len(k.invariants_failed))
    ),
)


def read_kpi(kpi: Kpi, kpis: Kpis | None) -> float | None:
    """The figure of one KPI, None when the run has no figures."""
    return kpi.read(kpis) if kpis is not None else None


def formatted(value: float | None, unit: str) -> str:
    """A number with its unit, rounded for reading; an em dash when unknown."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:,.1f} %" if value < 1000 else f"{value:,.0f} %"
    if unit == "ms":
        return f"{value:,.0f} ms"
    if unit == "s":
        return f"{value:,.1f} s" if value < 10 else f"{value:,.0f} s"
    return f"{value:,.0f}" + (f" {unit}" if unit else "")


def _ttr_detail(kpis: Kpis) -> str:
    parts = [
        f"{j} {formatted(_number(v), 's') if _number(v) is not None else 'not recovered'}"
        for j, v in sorted(kpis.time_to_recover_s.items())
    ]
    return " · ".join(parts) or "no recovery bar"


def _generator(load: LoadRecord | None) -> str:
    if load is None:
        return ""
    saturated = " · its CPU saturated" if load.cpu_saturated else ""
    return f" · generator pool peaked at {load.peak_users} of {load.max_users}{saturated}"


def kpi_cards(kpis: Kpis | None, load: LoadRecord | None = None) -> list[KpiCard]:
    """The KPI cards of a run, in reading order; empty when the run has no KPIs. Unserved
    demand is the generator's shortfall, shown apart from the bank's availability."""
    if kpis is None:
        return []
    budget = kpis.error_budget
    passed, failed = kpis.invariants_passed, kpis.invariants_failed
    unrecovered = [j for j, v in kpis.time_to_recover_s.items() if v is None]
    at = _number(kpis.worst_availability_at_s)
    availability = _number(kpis.worst_availability_pct)
    spent = _budget(kpis)
    ttd = _number(kpis.time_to_detect_s)
    unserved = kpis.unserved_requests
    return [
        KpiCard(
            "Time to detect",
            formatted(ttd, "s") if ttd is not None else "not detected",
            "fault start → incident opened on the status page",
            "neutral" if ttd is not None else "bad",
        ),
        KpiCard(
            "Time to recover (worst)",
            "not recovered" if unrecovered else formatted(_number(kpis.worst_recovery_s), "s"),
            _ttr_detail(kpis),
            "bad" if unrecovered else "neutral",
        ),
        KpiCard(
            "Worst availability",
            formatted(availability, "%"),
            f"worst second at t+{at:.0f} s" if at is not None else "no request was due",
            "good" if availability is not None and availability >= 99 else "bad",
        ),
        KpiCard(
            "p99 during the fault",
            formatted(_number(kpis.p99_during_fault_ms), "ms"),
            "all journeys pooled, fault phase",
            "neutral",
        ),
        KpiCard(
            "Error budget spent",
            formatted(spent, "%"),
            f"{budget.bad_requests:,} bad of {budget.requests:,} requests, "
            f"target {budget.target_pct:g} %",
            "good" if spent is not None and spent <= 100 else "bad",
        ),
        KpiCard(
            "Unserved demand",
            f"{unserved:,} requests",
            f"due but never sent, of {kpis.requests:,} due{_generator(load)}",
            "good" if unserved == 0 and not (load and load.cpu_saturated) else "bad",
        ),
        KpiCard(
            "Money invariants",
            f"{len(failed)} violated" if failed else f"all {len(passed)} hold",
            ", ".join(failed) if failed else ", ".join(passed) or "none checked",
            "bad" if failed else "good",
        ),
    ]


def _judge(kpi: Kpi, this: float | None, other: float | None) -> tuple[str, Judgement]:
    if this is None or other is None:
        return "", "n/a"
    if math.isclose(this, other, rel_tol=1e-3, abs_tol=1e-6):
        return "=", "same"
    arrow = "▲" if this > other else "▼"
    improved = (this < other) == (kpi.better == "lower")
    return arrow, "better" if improved else "worse"


def kpi_deltas(mine: Kpis | None, theirs: Kpis | None) -> list[KpiDelta]:
    """Each KPI of this run against another run's, with the direction and its judgement."""
    rows = []
    for kpi in KPIS:
        a, b = read_kpi(kpi, mine), read_kpi(kpi, theirs)
        arrow, judgement = _judge(kpi, a, b)
        rows.append(
            KpiDelta(kpi.label, formatted(a, kpi.unit), formatted(b, kpi.unit), arrow, judgement)
        )
    return rows
