"""Metrics over the load history: series, phase summaries, recovery and incident measures.

Everything here is a pure function of the recorded samples (and, for detection, of the
status page's history): no clock, no socket, no file. Definitions are in each module's
docstring: `series` (buckets, availability), `percentile` (nearest rank), `phase`, `slo`
(time to impact and to recover) and `incident` (detection, worst second, error budget).
"""

from harness.metrics.incident import (
    Degradation,
    ErrorBudget,
    StatusEvent,
    error_budget_spent,
    time_to_detect_s,
    worst_degradation,
)
from harness.metrics.percentile import Latencies, nearest_rank
from harness.metrics.phase import PhaseStats, phase_stats, phase_table
from harness.metrics.series import (
    Journeys,
    SecondStats,
    Series,
    Tally,
    Window,
    per_second_series,
    select,
)
from harness.metrics.slo import (
    Objective,
    breaches,
    holds,
    time_to_impact_s,
    time_to_recover_s,
)

__all__ = [
    "Degradation",
    "ErrorBudget",
    "Journeys",
    "Latencies",
    "Objective",
    "PhaseStats",
    "SecondStats",
    "Series",
    "StatusEvent",
    "Tally",
    "Window",
    "breaches",
    "error_budget_spent",
    "holds",
    "nearest_rank",
    "per_second_series",
    "phase_stats",
    "phase_table",
    "select",
    "time_to_detect_s",
    "time_to_impact_s",
    "time_to_recover_s",
    "worst_degradation",
]
