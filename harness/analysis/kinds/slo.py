"""`slo:<journey>:<phase>:<metric>`: a journey's availability or latency over one phase.

Metric availability (share of due requests answered ok, unserved and unknown ones count as
not ok) or p50/p95/p99 (over served requests), against the experiment's bar. A phase with fewer
than `MIN_REQUESTS` due requests of the journey is unknown (the run is then inconclusive):
a bar decided on a handful of requests says nothing.
"""

from __future__ import annotations

from functools import partial

from harness.analysis.checks import EPSILON, Check, safely
from harness.analysis.evidence import Evidence, SloTarget
from harness.metrics import Window, phase_stats
from harness.spec.check_ids import CheckId

MIN_REQUESTS = 20
"""Fewest due requests of a journey in a phase on which an SLO check is decided."""


def _slo_check(
    evidence: Evidence, target: SloTarget, metric: str, bar: float, window: Window
) -> Check:
    stats = phase_stats(evidence.samples, target.journey, window)
    check_id = CheckId("slo", target.journey, target.phase, metric)
    where = f"{target.journey} during {target.phase}"
    if stats.requests < MIN_REQUESTS:
        return Check(
            check_id,
            "unknown",
            f"{where}: {stats.requests} due requests, fewer than the {MIN_REQUESTS} a bar needs",
            None,
            bar,
        )
    if metric == "availability":
        value = stats.availability_pct or 0.0
        ok = value + EPSILON >= bar
        reason = (
            f"{where}: availability {value:.2f} % ({stats.ok} of {stats.requests} due "
            f"requests ok), target >= {bar:g} %"
        )
    else:
        seen = getattr(stats, f"{metric}_ms")
        if seen is None:
            return Check(
                check_id,
                "unknown",
                f"{where}: no request was served, so {metric} is unknown",
                None,
                bar,
            )
        value = float(seen)
        ok = value <= bar + EPSILON
        served = stats.requests - stats.unserved
        reason = (
            f"{where}: {metric} {value:.0f} ms over {served} served requests, target <= {bar:g} ms"
        )
    return Check(check_id, "pass" if ok else "fail", reason, value, bar)


def checks(evidence: Evidence) -> list[Check]:
    """One check per targeted metric of every SLO target."""
    found: list[Check] = []
    for target in evidence.slos:
        bars = {
            "availability": target.availability_pct,
            "p50": target.p50_ms,
            "p95": target.p95_ms,
            "p99": target.p99_ms,
        }
        window = evidence.window(target.phase)
        for metric, bar in bars.items():
            if bar is None:
                continue
            check_id = CheckId("slo", target.journey, target.phase, metric)
            if window is None:
                known = ", ".join(w.name for w in evidence.windows)
                found.append(
                    Check(
                        check_id,
                        "unknown",
                        f"phase {target.phase!r} is not in this run (phases: {known})",
                        None,
                        bar,
                    )
                )
                continue
            compute = partial(_slo_check, evidence, target, metric, bar, window)
            found.append(safely(check_id, compute))
    return found
