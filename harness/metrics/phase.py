"""Per-phase summaries per journey: what a report's journey table shows.

`throughput_rps` is goodput: ok requests per second of the window. Availability counts
every due request, including unserved and unknown ones, as not ok. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.history.samples import Sample
from harness.metrics.series import Journeys, Tally, Window, journey_set, select


@dataclass(frozen=True)
class PhaseStats:
    journey: str
    phase: str
    requests: int
    ok: int
    failed: int
    unknown: int
    unserved: int
    availability_pct: float | None
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    throughput_rps: float


def phase_stats(samples: Iterable[Sample], journeys: Journeys, window: Window) -> PhaseStats:
    """Summarise the journeys' requests that were due inside the window."""
    tally = Tally.of(s for s in select(samples, journeys) if window.holds(s))
    duration_s = window.duration_s
    return PhaseStats(
        journey="+".join(sorted(journey_set(journeys))),
        phase=window.name,
        requests=tally.requests,
        ok=tally.ok,
        failed=tally.failed,
        unknown=tally.unknown,
        unserved=tally.unserved,
        availability_pct=tally.availability_pct,
        p50_ms=tally.latency.p50_ms,
        p95_ms=tally.latency.p95_ms,
        p99_ms=tally.latency.p99_ms,
        throughput_rps=tally.ok / duration_s if duration_s > 0 else 0.0,
    )


def phase_table(
    samples: Sequence[Sample], journeys: Sequence[str], windows: Sequence[Window]
) -> list[PhaseStats]:
    """One row per journey and phase, journeys in the given order, phases in window order."""
    return [phase_stats(samples, j, w) for j in journeys for w in windows]
