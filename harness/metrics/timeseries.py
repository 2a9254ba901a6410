"""Chart-ready series per journey: what each chart of a run report plots, nothing more.

Built from `harness.metrics.per_second_series` (the one definition of a second's tally), then
reduced to at most `max_points` points so a long run's report stays small: adjacent seconds
merge into one bucket whose request rate is the mean, whose error rate pools the requests, and
whose p50/p95/p99 are the *worst* second's percentiles in the bucket (percentiles cannot be
averaged; the worst second is the conservative reading). Offsets are seconds from the run's
start (t0). Pure: no file, no clock, no plotting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from harness.history.samples import Sample
from harness.metrics import Journeys, SecondStats, per_second_series

DEFAULT_MAX_POINTS = 600


@dataclass(frozen=True)
class ChartSeries:
    """One journey's (or several pooled journeys') points; None where a second had no data."""

    label: str
    bucket_s: int
    offset_s: tuple[float, ...]
    request_rate_rps: tuple[float, ...]
    error_rate_pct: tuple[float | None, ...]
    p50_ms: tuple[float | None, ...]
    p95_ms: tuple[float | None, ...]
    p99_ms: tuple[float | None, ...]

    def __len__(self) -> int:
        return len(self.offset_s)


def bucket_seconds(seconds: int, max_points: int) -> int:
    """The whole number of seconds per point that keeps a series within max_points."""
    if max_points < 1:
        raise ValueError(f"chart series: max_points {max_points} must be at least 1")
    return max(1, math.ceil(seconds / max_points))


def _worst(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _merge(points: Sequence[SecondStats]) -> tuple[float, float | None, tuple[float | None, ...]]:
    requests = sum(p.tally.requests for p in points)
    ok = sum(p.tally.ok for p in points)
    rate = requests / len(points)
    error = 100.0 * (requests - ok) / requests if requests else None
    latency = (
        _worst([p.tally.latency.p50_ms for p in points]),
        _worst([p.tally.latency.p95_ms for p in points]),
        _worst([p.tally.latency.p99_ms for p in points]),
    )
    return rate, error, latency


def chart_series(
    samples: Sequence[Sample],
    journeys: Journeys,
    t0_s: float,
    end_s: float,
    *,
    label: str | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
) -> ChartSeries:
    """The journeys' per-second series from t0 to end, merged into at most max_points points."""
    series = per_second_series(samples, journeys, t0_s, end_s)
    bucket = bucket_seconds(len(series.points), max_points)
    offsets: list[float] = []
    rates: list[float] = []
    errors: list[float | None] = []
    p50: list[float | None] = []
    p95: list[float | None] = []
    p99: list[float | None] = []
    for first in range(0, len(series.points), bucket):
        chunk = series.points[first : first + bucket]
        rate, error, (l50, l95, l99) = _merge(chunk)
        offsets.append(chunk[0].start_s - t0_s)
        rates.append(rate)
        errors.append(error)
        p50.append(l50)
        p95.append(l95)
        p99.append(l99)
    name = label if label is not None else "+".join(series.journeys)
    return ChartSeries(
        name,
        bucket,
        tuple(offsets),
        tuple(rates),
        tuple(errors),
        tuple(p50),
        tuple(p95),
        tuple(p99),
    )


def journeys_of(samples: Sequence[Sample]) -> list[str]:
    """The journeys present in the samples, in a stable (sorted) order."""
    return sorted({s.journey for s in samples})
