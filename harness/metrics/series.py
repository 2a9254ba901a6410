"""Per-second series per journey, and the tally that every metric is built from.

Samples are bucketed by their *due* time `t_s` (the open-model schedule of the load), in whole
seconds counted from a start: second k covers [start + k, start + k + 1). Only whole seconds
before the end are kept. A due request is exactly one of: ok, failed, unknown (served, by
outcome) or unserved (never sent because every user was busy), and availability is
ok / all due requests. Latency percentiles use the served requests of any outcome, with the
coordinated-omission-corrected latency the load already recorded; unserved requests have no
latency and count against availability instead. Pure functions over samples; no clock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.history.samples import Sample
from harness.metrics.percentile import Latencies

Journeys = str | Sequence[str]
"""One journey name or several; a metric over several journeys pools their samples."""


def journey_set(journeys: Journeys) -> frozenset[str]:
    """The journeys as a set, accepting a single name."""
    return frozenset([journeys] if isinstance(journeys, str) else journeys)


@dataclass(frozen=True)
class Window:
    """A named span of the run (a phase such as baseline, fault, recovery), epoch seconds."""

    name: str
    start_s: float
    end_s: float
    answered_by_s: float | None = None
    """If set, a request counts in this window only if answered before then: the baseline
    is steady state, so requests the fault's start caught in flight are not charged to it."""

    def __post_init__(self) -> None:
        if self.end_s < self.start_s:
            raise ValueError(f"window {self.name}: ends at {self.end_s} before {self.start_s}")

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def contains(self, t_s: float) -> bool:
        """Whether a due time falls in [start, end)."""
        return self.start_s <= t_s < self.end_s

    def holds(self, sample: Sample) -> bool:
        """Whether a request counts in this window: due inside it (and answered in time)."""
        answered_in_time = self.answered_by_s is None or sample.answered_s < self.answered_by_s
        return self.contains(sample.t_s) and answered_in_time


@dataclass(frozen=True)
class Tally:
    """Due requests of a set of samples split by what became of them, plus their latencies."""

    requests: int
    ok: int
    failed: int
    unknown: int
    unserved: int
    latency: Latencies

    @classmethod
    def of(cls, samples: Iterable[Sample]) -> Tally:
        """Count one set of samples."""
        counts = {"ok": 0, "failed": 0, "unknown": 0, "unserved": 0}
        served_ms = []
        for s in samples:
            if s.served:
                counts[s.outcome] += 1
                served_ms.append(s.latency_ms)
            else:
                counts["unserved"] += 1
        return cls(
            requests=sum(counts.values()),
            ok=counts["ok"],
            failed=counts["failed"],
            unknown=counts["unknown"],
            unserved=counts["unserved"],
            latency=Latencies.of(served_ms),
        )

    @property
    def served(self) -> int:
        return self.requests - self.unserved

    @property
    def availability_pct(self) -> float | None:
        """ok / due requests in percent; None when nothing was due."""
        return 100.0 * self.ok / self.requests if self.requests else None

    @property
    def error_rate_pct(self) -> float | None:
        """(failed + unknown + unserved) / due requests in percent; None when nothing was due."""
        return 100.0 * (self.requests - self.ok) / self.requests if self.requests else None


@dataclass(frozen=True)
class SecondStats:
    """One second of one series: `start_s` is where the second begins (epoch seconds)."""

    start_s: float
    tally: Tally

    @property
    def request_rate_rps(self) -> int:
        """Due requests in this second (a one-second bucket, so also per second)."""
        return self.tally.requests


@dataclass(frozen=True)
class Series:
    """Per-second statistics of some journeys from `start_s`, one point per whole second."""

    journeys: tuple[str, ...]
    start_s: float
    points: tuple[SecondStats, ...]


def select(samples: Iterable[Sample], journeys: Journeys) -> list[Sample]:
    """The samples of the given journeys."""
    wanted = journey_set(journeys)
    return [s for s in samples if s.journey in wanted]


def per_second_series(
    samples: Iterable[Sample], journeys: Journeys, start_s: float, end_s: float
) -> Series:
    """Bucket the journeys' samples into whole seconds from `start_s` up to `end_s`."""
    seconds = max(0, math.floor(end_s - start_s + 1e-9))
    buckets: list[list[Sample]] = [[] for _ in range(seconds)]
    for s in select(samples, journeys):
        k = math.floor(s.t_s - start_s)
        if 0 <= k < seconds:
            buckets[k].append(s)
    points = tuple(SecondStats(start_s + k, Tally.of(b)) for k, b in enumerate(buckets))
    return Series(tuple(sorted(journey_set(journeys))), start_s, points)
