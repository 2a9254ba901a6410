"""Live view of a run: abort conditions watched over the load records, and a terminal status line.

`AbortWatch` tails `load.jsonl` as the load process writes it and keeps per-second counts per
journey; `check` says whether any abort rule has held for its whole `for_s`. `Progress` prints
phase, time left, request rate and error rate on one refreshed line when stderr is a terminal.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from harness.load.samples import Sample
from harness.spec.model import AbortRule
from harness.spec.schedule import Schedule


class AbortWatch:
    def __init__(self, rules: Sequence[AbortRule], path: Path, t0: float) -> None:
        self.rules = rules
        self.path = path
        self.t0 = t0
        self._offset = 0
        self._partial = ""
        # second -> journey -> [requests, errors]
        self.counts: dict[int, dict[str, list[int]]] = defaultdict(
            lambda: defaultdict(lambda: [0, 0])
        )

    def poll(self) -> None:
        """Read the records written since the last poll."""
        try:
            with self.path.open(encoding="utf-8") as stream:
                stream.seek(self._offset)
                chunk = stream.read()
                self._offset = stream.tell()
        except FileNotFoundError:
            return
        text = self._partial + chunk
        lines = text.split("\n")
        self._partial = lines.pop()
        for line in lines:
            if line:
                self._count(Sample.from_json(line))

    def _count(self, sample: Sample) -> None:
        second = int(sample.t_s - self.t0)
        for key in (sample.journey, "any"):
            cell = self.counts[second][key]
            cell[0] += 1
            cell[1] += sample.outcome != "ok"

    def error_rate(self, journey: str, first_s: int, last_s: int) -> float | None:
        requests = errors = 0
        for second in range(first_s, last_s + 1):
            requests, errors = (
                requests + self.counts[second][journey][0],
                errors + self.counts[second][journey][1],
            )
        return errors / requests if requests else None

    def check(self, now_s: float) -> str | None:
        """The first abort rule whose error rate held above its bar for its whole window."""
        self.poll()
        last = int(now_s) - 1  # the current second is still filling
        for rule in self.rules:
            first = last - int(rule.for_s) + 1
            if first < 0:
                continue
            rates = [self.error_rate(rule.journey, s, s) for s in range(first, last + 1)]
            if rates and all(r is not None and r > rule.error_rate_above for r in rates):
                return (
                    f"abort: {rule.journey} error rate above {rule.error_rate_above:.0%} "
                    f"for {rule.for_s:g} s (at {now_s:.0f} s)"
                )
        return None


class Progress:
    def __init__(self, schedule: Schedule, watch: AbortWatch, enabled: bool) -> None:
        self.schedule = schedule
        self.watch = watch
        self.enabled = enabled and sys.stderr.isatty()
        self._last_draw = 0.0

    def tick(self, now_s: float) -> str | None:
        reason = self.watch.check(now_s)
        if self.enabled and time.monotonic() - self._last_draw > 0.5:
            self._last_draw = time.monotonic()
            self._draw(now_s)
        return reason

    def _draw(self, now_s: float) -> None:
        second = int(now_s) - 1
        cell = self.watch.counts[second]["any"] if second >= 0 else [0, 0]
        rate = cell[0]
        errors = cell[1] / cell[0] if cell[0] else 0.0
        phase = self.schedule.phase_at(now_s) or "-"
        left = max(0.0, self.schedule.total_s - now_s)
        sys.stderr.write(
            f"\r  {phase:<9} {left:6.1f} s left  {rate:5d} req/s  {errors:6.1%} errors "
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
