"""The finite range of every number an experiment file may hold, and of what the bank accepts.

One source for the caps that the experiment schema (`harness/spec`), the bank's own admin
validation (`targets/flags.py`, clearing's `/admin/config`, core-banking's seeding) and the
fault proxy (Go int64 toxic attributes) enforce, so a file that validates is never refused by
a service mid-run: the schema uses exactly these ranges, the services use the same or wider
ones. `docs/experiments.md` documents them (a test keeps the table and this module in step).

This module imports nothing but the standard library: the system under test (`targets/`) may
use it without depending on any part of the harness's machinery. It must hold data only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
"""Go's int64 (and Go's int on Toxiproxy's 64-bit platforms): every toxic attribute's type."""


@dataclass(frozen=True)
class Range:
    """A finite interval of accepted values, with its unit; `open_low` excludes `low` itself
    (a rate must be above 0), `open_high` excludes `high`."""

    low: float
    high: float
    unit: str
    open_low: bool = False
    open_high: bool = False

    def __contains__(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if not math.isfinite(value):
            return False
        above = value > self.low if self.open_low else value >= self.low
        below = value < self.high if self.open_high else value <= self.high
        return above and below

    def __str__(self) -> str:
        low = f"{'(' if self.open_low else '['}{_number(self.low)}"
        high = f"{_number(self.high)}{')' if self.open_high else ']'}"
        return f"{low} .. {high} {self.unit}".rstrip()


def _number(value: float) -> str:
    """`60,000`, `0.5`: whole numbers in full with thousands separators, never `6e+04`."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


DAY_S = 86_400
"""The longest anything in a run may last: a phase, an action, the whole run, a bar in s."""

CUSTOMERS = Range(1, 100_000, "accounts")
"""Seeded customers; core-banking's `/admin/seed` takes up to the same number."""
USERS = Range(1, 1_000, "virtual customers")
"""The load's starting pool; one load process runs at most `harness.load.config.MAX_POOL`."""
RATE_PER_S = Range(0, 10_000, "requests/s", open_low=True)
MIX_WEIGHT = Range(0, 1_000_000, "relative weight", open_low=True)
CLIENT_TIMEOUT_S = Range(0, 600, "s", open_low=True)
DURATION_S = Range(0, DAY_S, "s", open_low=True)
"""A phase, an action's `duration`, an `at` offset; the whole run also lasts at most a day."""
RUN_S = Range(0, DAY_S, "s", open_low=True)
"""baseline + fault + recovery."""
REAL_TIME_S = Range(0, DAY_S, "s", open_low=True)
"""`max_time_to_recover_s`, `window_s`, `for_s`: real seconds, never scaled."""
LATENCY_BAR_MS = Range(0, 3_600_000, "ms", open_low=True)
"""`p50_ms`, `p95_ms`, `p99_ms` bars: above 0, at most an hour."""
AVAILABILITY_PCT = Range(0, 100, "%")
FRACTION = Range(0, 1, "share")
"""`toxicity`, a flag's `error_rate`, clearing's `reject_rate`."""
ABORT_ERROR_RATE = Range(0, 1, "share", open_high=True)
EXTRA_LATENCY_MS = Range(0, 60_000, "ms")
"""The `extra_latency_ms` flag every service takes (`targets/flags.py`)."""
PROCESSING_MS = Range(0, 600_000, "ms")
"""Clearing's processing time (`/admin/config`)."""
EXFILTRATION_RATE_PER_S = Range(0, 100, "requests/s", open_low=True)
"""An `exfiltrate` drill's pace: slow and steady, as a careful attacker reads."""
SEED = Range(0, INT64_MAX, "integer (Go int64)")
"""The run's seed, which also seeds the fault proxy (Toxiproxy's `-seed` is an int64)."""

TOXIC_TIME_MS = Range(0, DAY_S * 1000, "ms")
TOXIC_TIME_US = Range(0, DAY_S * 1_000_000, "µs")
TOXIC_BYTES = Range(0, 2**31 - 1, "bytes")
TOXIC_RATE_KB_S = Range(0, 2**31 - 1, "KB/s")

TOXIC_ATTRIBUTES: Mapping[str, Mapping[str, Range]] = {
    "latency": {"latency": TOXIC_TIME_MS, "jitter": TOXIC_TIME_MS},
    "bandwidth": {"rate": TOXIC_RATE_KB_S},
    "slow_close": {"delay": TOXIC_TIME_MS},
    "timeout": {"timeout": TOXIC_TIME_MS},
    "reset_peer": {"timeout": TOXIC_TIME_MS},
    "slicer": {"average_size": TOXIC_BYTES, "size_variation": TOXIC_BYTES, "delay": TOXIC_TIME_US},
    "limit_data": {"bytes": TOXIC_BYTES},
    "noop": {},
}
"""Integer attributes of each Toxiproxy toxic type, each well inside Go's int64."""

FIELDS: Mapping[str, Range] = {
    "load.users": USERS,
    "load.rate_per_s": RATE_PER_S,
    "load.mix.*": MIX_WEIGHT,
    "load.client_timeout_s": CLIENT_TIMEOUT_S,
    "load.customers": CUSTOMERS,
    "load.stages[].rate_per_s": RATE_PER_S,
    "load.stages[].mix.*": MIX_WEIGHT,
    "phases.*": DURATION_S,
    "timeline[].duration": DURATION_S,
    "timeline[].toxic.toxicity": FRACTION,
    "timeline[].flags.error_rate": FRACTION,
    "timeline[].flags.extra_latency_ms": EXTRA_LATENCY_MS,
    "timeline[].processing_ms": PROCESSING_MS,
    "timeline[].reject_rate": FRACTION,
    "timeline[].customers": CUSTOMERS,
    "timeline[].reads_per_s": EXFILTRATION_RATE_PER_S,
    "slo.*.*.availability_pct": AVAILABILITY_PCT,
    "slo.*.*.p50_ms": LATENCY_BAR_MS,
    "slo.*.*.p95_ms": LATENCY_BAR_MS,
    "slo.*.*.p99_ms": LATENCY_BAR_MS,
    "recovery.max_time_to_recover_s": REAL_TIME_S,
    "recovery.window_s": REAL_TIME_S,
    "abort[].error_rate_above": ABORT_ERROR_RATE,
    "abort[].for_s": REAL_TIME_S,
    "seed": SEED,
    "comms.first_update_within_s": REAL_TIME_S,
    "comms.max_update_gap_s": REAL_TIME_S,
    "comms.reachable_pct": AVAILABILITY_PCT,
    "notify.*.coverage_pct": AVAILABILITY_PCT,
    "notify.*.within_s": REAL_TIME_S,
    "detect.availability_within_s": REAL_TIME_S,
    "detect.security_within_s": REAL_TIME_S,
    "support.wait_p95_s": REAL_TIME_S,
    "support.abandoned_pct": AVAILABILITY_PCT,
    "support.busy_pct": AVAILABILITY_PCT,
}
"""Every number field of an experiment by path (`*` any key, `[]` any item) and its range;
toxic attributes are in `TOXIC_ATTRIBUTES`, and the whole run (baseline + fault + recovery,
every `at` and `at + duration` inside it) lasts at most `RUN_S`. docs/experiments.md shows it."""
