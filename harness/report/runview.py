"""The sections of a run report as plain data: verdict, incident, timeline, phases, appendix.

Each function reads one part of a stored run (mostly `result.json`, see docs/results.md) and
returns what the template shows, already ordered and labelled. Pure over the documents it is
given: no file, no HTML, no chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
    failing: tuple[dict[str, Any], ...]
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
    stats: dict[str, Any]
    badges: dict[str, SloBadge]


def verdict_view(result: dict[str, Any]) -> VerdictView:
    """Expected against actual, with the first checks that carry the actual verdict."""
    actual = result.get("actual", {})
    status = actual.get("verdict", "unknown")
    wanted = "fail" if status == "fail" else "unknown"
    carrying = [c for c in result.get("checks", []) if c.get("status") == wanted]
    return VerdictView(
        expected=result.get("expected", {}).get("verdict", "?"),
        because=tuple(result.get("expected", {}).get("because", [])),
        actual=status,
        matched=bool(actual.get("matched")),
        reason=str(actual.get("reason", "")),
        failing=tuple(carrying[:FIRST_FAILING]),
        more_failing=max(0, len(carrying) - FIRST_FAILING),
    )


def timeline_rows(result: dict[str, Any]) -> list[TimelineRow]:
    """Every executed step (inject or heal), labelled A1, A2 ... in the order they ran."""
    steps = sorted(result.get("timeline", []), key=lambda e: float(e.get("offset_s", 0.0)))
    return [
        TimelineRow(
            f"A{i}",
            float(e.get("offset_s", 0.0)),
            e.get("t_s"),
            str(e.get("step", "")),
            str(e.get("kind", "")),
            str(e.get("description", "")),
            e.get("outcome", "ok") != "ok",
            str(e.get("error", "")),
        )
        for i, e in enumerate(steps, start=1)
    ]


def bands(result: dict[str, Any]) -> list[Band]:
    """The schedule's phases as chart bands, seconds from the run's start."""
    phases = (result.get("schedule") or {}).get("phases", [])
    return [Band(str(p["name"]), float(p["start_s"]), float(p["end_s"])) for p in phases]


def markers(rows: Sequence[TimelineRow]) -> list[Marker]:
    return [Marker(r.label, r.offset_s, r.failed) for r in rows]


def phase_rows(result: dict[str, Any]) -> dict[str, list[PhaseRow]]:
    """Per journey, one row per phase with a badge for every SLO check of that cell."""
    checks = {
        c["id"]: c for c in result.get("checks", []) if str(c.get("id", "")).startswith("slo:")
    }
    table: dict[str, list[PhaseRow]] = {}
    for stats in result.get("phases", []):
        journey, phase = stats["journey"], stats["phase"]
        badges = {}
        for metric in SLO_METRICS:
            check = checks.get(f"slo:{journey}:{phase}:{metric}")
            if check is not None:
                badges[metric] = SloBadge(check["status"], check.get("target"), check["reason"])
        table.setdefault(journey, []).append(PhaseRow(phase, stats, badges))
    return table


def checks_of(result: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [c for c in result.get("checks", []) if c.get("kind") == kind]


def other_checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Checks outside the SLO table and the invariants: recovery bars, abort, timeline."""
    return [
        c
        for c in result.get("checks", [])
        if c.get("kind") not in ("invariant",) and not str(c.get("id", "")).startswith("slo:")
    ]


def duration_s(result: dict[str, Any]) -> float | None:
    """Wall-clock runtime from started_at to ended_at."""
    try:
        start = datetime.fromisoformat(str(result["started_at"]))
        end = datetime.fromisoformat(str(result["ended_at"]))
    except (KeyError, ValueError, TypeError):
        return None
    return (end - start).total_seconds()


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
