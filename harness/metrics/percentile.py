"""Exact latency percentiles by the nearest-rank method.

For n sorted values the q-th percentile is the value at rank ceil(q/100 * n) (1-based), so it
is always one of the observed latencies (never interpolated) and p50 <= p95 <= p99 holds by
construction. An empty set has no percentile (None). Pure; no sampling, no bucketing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def nearest_rank(sorted_values: Sequence[float], percent: float) -> float | None:
    """The `percent`-th percentile of already sorted values; None when there are none."""
    if not 0 < percent <= 100:
        raise ValueError(f"percentile: {percent} is not in (0, 100]")
    if not sorted_values:
        return None
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class Latencies:
    """p50, p95 and p99 of one set of latencies, in milliseconds (None when empty)."""

    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None

    @classmethod
    def of(cls, latencies_ms: Iterable[float]) -> Latencies:
        """Sort once and take the three nearest-rank percentiles."""
        values = sorted(latencies_ms)
        return cls(nearest_rank(values, 50), nearest_rank(values, 95), nearest_rank(values, 99))
