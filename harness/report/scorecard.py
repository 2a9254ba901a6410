"""The headline numbers of a run as cards, and how they moved against another run.

Reads the `kpis` block of a result document (docs/results.md) and turns it into labelled,
formatted cards with a tone (good, bad, neutral) and into comparison rows with a direction
that says whether a change is better or worse for the customer. Pure: no file, no HTML.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

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
    read: Callable[[dict[str, Any]], float | None]


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


def _budget(kpis: dict[str, Any]) -> float | None:
    return _number((kpis.get("error_budget") or {}).get("spent_pct"))


KPIS = (
    Kpi("ttd", "Time to detect", "s", "lower", lambda k: _number(k.get("time_to_detect_s"))),
    Kpi(
        "ttr", "Time to recover (worst)", "s", "lower", lambda k: _number(k.get("worst_recovery_s"))
    ),
    Kpi(
        "availability",
        "Worst availability",
        "%",
        "higher",
        lambda k: _number(k.get("worst_availability_pct")),
    ),
    Kpi(
        "p99",
        "p99 during the fault",
        "ms",
        "lower",
        lambda k: _number(k.get("p99_during_fault_ms")),
    ),
    Kpi("budget", "Error budget spent", "%", "lower", _budget),
    Kpi(
        "unserved",
        "Unserved demand",
        "requests",
        "lower",
        lambda k: _number(k.get("unserved_requests")),
    ),
    Kpi(
        "invariants",
        "Invariants violated",
        "",
        "lower",
        lambda k: (
            float(len(k.get("invariants_failed") or [])) if "invariants_failed" in k else None
        ),
    ),
)


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


def _ttr_detail(kpis: dict[str, Any]) -> str:
    per_journey = kpis.get("time_to_recover_s") or {}
    parts = [
        f"{j} {formatted(_number(v), 's') if _number(v) is not None else 'not recovered'}"
        for j, v in sorted(per_journey.items())
    ]
    return " · ".join(parts) or "no recovery bar"


def kpi_cards(result: dict[str, Any]) -> list[KpiCard]:
    """The KPI cards of a run, in reading order; empty when the run has no KPIs."""
    kpis = result.get("kpis")
    if not kpis:
        return []
    budget = kpis.get("error_budget") or {}
    passed = kpis.get("invariants_passed") or []
    failed = kpis.get("invariants_failed") or []
    recovered = kpis.get("time_to_recover_s") or {}
    unrecovered = [j for j, v in recovered.items() if v is None]
    at = _number(kpis.get("worst_availability_at_s"))
    availability = _number(kpis.get("worst_availability_pct"))
    spent = _budget(kpis)
    ttd = _number(kpis.get("time_to_detect_s"))
    unserved = int(kpis.get("unserved_requests") or 0)
    return [
        KpiCard(
            "Time to detect",
            formatted(ttd, "s") if ttd is not None else "not detected",
            "fault start → incident opened on the status page",
            "neutral" if ttd is not None else "bad",
        ),
        KpiCard(
            "Time to recover (worst)",
            "not recovered"
            if unrecovered
            else formatted(_number(kpis.get("worst_recovery_s")), "s"),
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
            formatted(_number(kpis.get("p99_during_fault_ms")), "ms"),
            "all journeys pooled, fault phase",
            "neutral",
        ),
        KpiCard(
            "Error budget spent",
            formatted(spent, "%"),
            f"{budget.get('bad_requests', 0):,} bad of {budget.get('requests', 0):,} requests, "
            f"target {budget.get('target_pct', '?')} %",
            "good" if spent is not None and spent <= 100 else "bad",
        ),
        KpiCard(
            "Unserved demand",
            f"{unserved:,} requests",
            f"due but never sent, of {int(kpis.get('requests') or 0):,} due",
            "good" if unserved == 0 else "bad",
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


def kpi_deltas(this: dict[str, Any], other: dict[str, Any]) -> list[KpiDelta]:
    """Each KPI of this run against another run's, with the direction and its judgement."""
    mine, theirs = this.get("kpis") or {}, other.get("kpis") or {}
    rows = []
    for kpi in KPIS:
        a, b = kpi.read(mine) if mine else None, kpi.read(theirs) if theirs else None
        arrow, judgement = _judge(kpi, a, b)
        rows.append(
            KpiDelta(kpi.label, formatted(a, kpi.unit), formatted(b, kpi.unit), arrow, judgement)
        )
    return rows
