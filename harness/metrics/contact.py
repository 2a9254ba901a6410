"""Contact-centre figures: what callers went through, from the centre's own call log.

- calls by outcome: `answered`, `busy` (a busy signal: the line was full), `abandoned` (hung up
  or out of patience), `callback` (offered one instead of a long wait), `waiting` (still in the
  queue when the run ended); `queued` is every call that got in (all but busy signals).
- `wait_p50_s`, `wait_p95_s`, `wait_max_s`: nearest-rank percentiles of the recorded waits
  (every call with a wait), `max_position`: the worst position a caller joined the queue at.
- per second from t0 (merged by `timeseries.bucket_seconds` beyond `max_points`, keeping each
  bucket's worst second): `waiting`, the most callers on hold at once in that second, exactly
  from each call's wait interval [placed, placed + wait) (busy signals and callbacks never
  held the line; a call with no wait recorded held it until answered, ended or the run's end).
- `points`: each call (offset from t0, outcome, wait, position), at most `MAX_POINTS`.

Pure over the parsed export; no clock, no judgement (`support:` checks judge).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from harness.history.people import Call, ContactExport
from harness.metrics.percentile import nearest_rank
from harness.metrics.timeseries import DEFAULT_MAX_POINTS, bucket_seconds

MAX_POINTS = 2000
"""Most calls kept as points for the chart (the counts always cover every call)."""


@dataclass(frozen=True)
class CallPoint:
    offset_s: float
    outcome: str
    wait_s: float | None
    position: int | None


@dataclass(frozen=True)
class ContactFigures:
    agents: int
    queue_max: int
    calls: int
    queued: int
    answered: int
    busy: int
    abandoned: int
    callbacks: int
    waiting: int
    wait_p50_s: float | None
    wait_p95_s: float | None
    wait_max_s: float | None
    max_position: int | None
    reasons: tuple[tuple[str, int], ...]
    """Calls per reason the caller gave, most first."""
    bucket_s: int
    offset_s: tuple[float, ...]
    waiting_callers: tuple[int, ...]
    points: tuple[CallPoint, ...]


def _waited_until(call: Call, run_end_s: float) -> float | None:
    """When the caller stopped waiting on the line (None: a busy signal or a callback, which
    never held the line; a callback's answer is the agent calling back later)."""
    if call.outcome in ("busy", "callback"):
        return None
    if call.wait_s is not None:
        return call.placed_at_s + call.wait_s
    ended = call.answered_at_s if call.answered_at_s is not None else call.ended_at_s
    return ended if ended is not None else run_end_s


def waiting_per_second(calls: Sequence[Call], t0_s: float, run_end_s: float) -> tuple[int, ...]:
    """The most callers waiting at once in each whole second [t0 + k, t0 + k + 1)."""
    seconds = max(0, int(run_end_s - t0_s))
    steps: list[tuple[float, int]] = []
    for call in calls:
        until = _waited_until(call, run_end_s)
        if until is not None and until > call.placed_at_s:
            steps += [(call.placed_at_s, 1), (until, -1)]
    steps.sort(key=lambda step: (step[0], step[1]))  # leave before joining at the same instant
    peaks, now, k = [], 0, 0
    for second in range(seconds):
        start, end = t0_s + second, t0_s + second + 1
        while k < len(steps) and steps[k][0] <= start:  # as things stand at the second's start
            now += steps[k][1]
            k += 1
        peak = now
        while k < len(steps) and steps[k][0] < end:
            now += steps[k][1]
            peak = max(peak, now)
            k += 1
        peaks.append(peak)
    return tuple(peaks)


def _merged(
    peaks: tuple[int, ...], max_points: int
) -> tuple[int, tuple[float, ...], tuple[int, ...]]:
    bucket = bucket_seconds(len(peaks), max_points) if peaks else 1
    offsets = tuple(float(k) for k in range(0, len(peaks), bucket))
    worst = tuple(max(peaks[k : k + bucket]) for k in range(0, len(peaks), bucket))
    return bucket, offsets, worst


def contact_figures(
    centre: ContactExport, t0_s: float, run_end_s: float, max_points: int = DEFAULT_MAX_POINTS
) -> ContactFigures:
    """The contact centre's figures over the run [t0, run end)."""
    outcomes = Counter(c.outcome for c in centre.calls)
    waits = sorted(c.wait_s for c in centre.calls if c.wait_s is not None)
    positions = [c.position_at_entry for c in centre.calls if c.position_at_entry is not None]
    p50, p95 = nearest_rank(waits, 50), nearest_rank(waits, 95)
    bucket, offsets, worst = _merged(waiting_per_second(centre.calls, t0_s, run_end_s), max_points)
    ordered = sorted(centre.calls, key=lambda c: c.placed_at_s)[:MAX_POINTS]
    return ContactFigures(
        agents=centre.agents,
        queue_max=centre.queue_max,
        calls=len(centre.calls),
        queued=len(centre.calls) - outcomes["busy"],
        answered=outcomes["answered"],
        busy=outcomes["busy"],
        abandoned=outcomes["abandoned"],
        callbacks=outcomes["callback"],
        waiting=outcomes["queued"],
        wait_p50_s=None if p50 is None else round(p50, 3),
        wait_p95_s=None if p95 is None else round(p95, 3),
        wait_max_s=round(waits[-1], 3) if waits else None,
        max_position=max(positions, default=None),
        reasons=tuple(Counter(c.reason for c in centre.calls).most_common()),
        bucket_s=bucket,
        offset_s=offsets,
        waiting_callers=worst,
        points=tuple(
            CallPoint(round(c.placed_at_s - t0_s, 3), c.outcome,
                      None if c.wait_s is None else round(c.wait_s, 3), c.position_at_entry)
            for c in ordered
        ),
    )  # fmt: skip
