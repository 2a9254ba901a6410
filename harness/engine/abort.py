"""The abort decision: rules watched over the load records while a run goes on.

`AbortWatch` tails `load.jsonl` as the load process writes it and keeps per-second counts per
journey; `check` says whether any abort rule has held for its whole `for_s`. Displays nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from harness.history.record import AbortRecord
from harness.history.samples import Sample
from harness.spec.model import AbortRule


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

    def check(self, now_s: float) -> AbortRecord | None:
        """The first abort rule whose error rate held above its bar for its whole window."""
        self.poll()
        last = int(now_s) - 1  # the current second is still filling
        for rule in self.rules:
            first = last - int(rule.for_s) + 1
            if first < 0:
                continue
            rates = [self.error_rate(rule.journey, s, s) for s in range(first, last + 1)]
            if rates and all(r is not None and r > rule.error_rate_above for r in rates):
                return AbortRecord(
                    rule.journey,
                    f"{rule.journey} error rate above {rule.error_rate_above:.0%} "
                    f"for {rule.for_s:g} s (at {now_s:.0f} s)",
                )
        return None
