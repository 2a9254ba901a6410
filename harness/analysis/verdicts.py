"""Verdicts: the run's checks against its bars, and the one overall verdict they merge into.

Three kinds of check, with stable ids that experiments name in `expect.because`:
`slo:<journey>:<phase>:<metric>` (metric availability|p50|p95|p99), `recovery:<journey>` and
`invariant:<name>`. A check is pass, fail or unknown; checks merge as fail > unknown > pass
(Jepsen's compose) and a check whose computation crashes becomes unknown, never an abort.

The recovery bar measures time to recover (see `metrics.slo`) against the journey's SLO
target for the `recovery` phase, else for `baseline`, else its first target.
Pure: evaluates recorded data; the engine collects it and writes the results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import partial
from typing import Literal

from harness.history.bankstate import BankState
from harness.history.samples import Sample
from harness.invariants import InvariantResult, checker_named, run_invariant
from harness.metrics import Window, phase_stats, time_to_recover_s

CheckKind = Literal["slo", "recovery", "invariant"]
CheckStatus = Literal["pass", "fail", "unknown"]
EPSILON = 1e-9
RECOVERY_SLO_PHASES = ("recovery", "baseline")


@dataclass(frozen=True)
class SloTarget:
    """What a journey must achieve over one phase; None means not targeted."""

    journey: str
    phase: str
    availability_pct: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None


@dataclass(frozen=True)
class RecoveryBar:
    """Each journey must hold its SLO for `window_s` seconds within the max after the fault."""

    journeys: tuple[str, ...]
    max_time_to_recover_s: float
    window_s: int


@dataclass(frozen=True)
class Check:
    id: str
    kind: CheckKind
    status: CheckStatus
    reason: str
    measured: float | None = None
    target: float | None = None


@dataclass(frozen=True)
class Verdict:
    status: CheckStatus
    reasons: tuple[str, ...]
    failed: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    passed: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunHistory:
    """What the checks read: the load samples, the phase windows and the fault's span."""

    samples: tuple[Sample, ...]
    windows: tuple[Window, ...]
    fault_end_s: float
    run_end_s: float

    def window(self, phase: str) -> Window | None:
        return next((w for w in self.windows if w.name == phase), None)


def _safely(check_id: str, kind: CheckKind, compute: Callable[[], Check]) -> Check:
    try:
        return compute()
    except Exception as exc:  # a crashing check is unknown, it must not abort the verdict
        return Check(check_id, kind, "unknown", f"{check_id} crashed: {type(exc).__name__}: {exc}")


def _slo_check(
    history: RunHistory, target: SloTarget, metric: str, bar: float, window: Window
) -> Check:
    stats = phase_stats(history.samples, target.journey, window)
    check_id = f"slo:{target.journey}:{target.phase}:{metric}"
    where = f"{target.journey} during {target.phase}"
    if stats.requests == 0:
        return Check(
            check_id,
            "slo",
            "unknown",
            f"no {target.journey} request was due during {target.phase}",
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
                "slo",
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
    return Check(check_id, "slo", "pass" if ok else "fail", reason, value, bar)


def slo_checks(history: RunHistory, slos: Sequence[SloTarget]) -> list[Check]:
    """One check per targeted metric of every SLO target."""
    checks = []
    for target in slos:
        bars = {
            "availability": target.availability_pct,
            "p50": target.p50_ms,
            "p95": target.p95_ms,
            "p99": target.p99_ms,
        }
        window = history.window(target.phase)
        for metric, bar in bars.items():
            if bar is None:
                continue
            check_id = f"slo:{target.journey}:{target.phase}:{metric}"
            if window is None:
                known = ", ".join(w.name for w in history.windows)
                checks.append(
                    Check(
                        check_id,
                        "slo",
                        "unknown",
                        f"phase {target.phase!r} is not in this run (phases: {known})",
                        None,
                        bar,
                    )
                )
                continue
            compute = partial(_slo_check, history, target, metric, bar, window)
            checks.append(_safely(check_id, "slo", compute))
    return checks


def _recovery_target(journey: str, slos: Sequence[SloTarget]) -> SloTarget | None:
    mine = [t for t in slos if t.journey == journey]
    for phase in RECOVERY_SLO_PHASES:
        match = next((t for t in mine if t.phase == phase), None)
        if match is not None:
            return match
    return mine[0] if mine else None


def _recovery_check(
    history: RunHistory, bar: RecoveryBar, journey: str, target: SloTarget
) -> Check:
    check_id = f"recovery:{journey}"
    ttr = time_to_recover_s(
        history.samples,
        journey,
        target,
        history.fault_end_s,
        window_s=bar.window_s,
        run_end_s=history.run_end_s,
    )
    limit = bar.max_time_to_recover_s
    if ttr is None:
        left = history.run_end_s - history.fault_end_s
        return Check(
            check_id,
            "recovery",
            "fail",
            f"{journey} did not hold its {target.phase} SLO "
            f"for {bar.window_s} s in a row in the {left:.0f} s after the fault ended "
            f"(bar {limit:g} s)",
            None,
            limit,
        )
    ok = ttr <= limit + EPSILON
    reason = (
        f"{journey} recovered {ttr:.0f} s after the fault ended (held its {target.phase} "
        f"SLO for {bar.window_s} s), bar {limit:g} s"
    )
    return Check(check_id, "recovery", "pass" if ok else "fail", reason, ttr, limit)


def recovery_checks(
    history: RunHistory, bars: Sequence[RecoveryBar], slos: Sequence[SloTarget]
) -> list[Check]:
    """One check per journey named by a recovery bar."""
    checks = []
    for bar in bars:
        for journey in bar.journeys:
            target = _recovery_target(journey, slos)
            if target is None:
                checks.append(
                    Check(
                        f"recovery:{journey}",
                        "recovery",
                        "unknown",
                        f"{journey} has no SLO target to recover to",
                        None,
                        bar.max_time_to_recover_s,
                    )
                )
                continue
            compute = partial(_recovery_check, history, bar, journey, target)
            checks.append(_safely(f"recovery:{journey}", "recovery", compute))
    return checks


def invariant_checks(results: Sequence[InvariantResult]) -> list[Check]:
    """One check per invariant result: ok passes, failed fails, unknown stays unknown."""
    status: dict[str, CheckStatus] = {"ok": "pass", "failed": "fail", "unknown": "unknown"}
    return [
        Check(
            f"invariant:{r.name}",
            "invariant",
            status[r.status],
            r.summary,
            float(sum(v.count for v in r.violations)),
            0.0,
        )
        for r in results
    ]


def evaluate(
    history: RunHistory,
    slos: Sequence[SloTarget],
    bars: Sequence[RecoveryBar],
    invariants: Sequence[str],
    state: BankState | None,
) -> list[Check]:
    """Every check of a run; without a bank state (export failed) invariants are unknown."""
    for name in invariants:
        checker_named(name)
    if state is None:
        results = [
            InvariantResult(n, "unknown", (), "the bank's state could not be exported")
            for n in invariants
        ]
    else:
        results = [run_invariant(n, state, history.samples) for n in invariants]
    return [
        *slo_checks(history, slos),
        *recovery_checks(history, bars, slos),
        *invariant_checks(results),
    ]


def overall(checks: Sequence[Check]) -> Verdict:
    """Merge checks: any fail fails, else any unknown is unknown, else pass."""
    ids = {s: tuple(c.id for c in checks if c.status == s) for s in ("fail", "unknown", "pass")}
    if not checks:
        return Verdict("unknown", ("no check was evaluated",))
    status: CheckStatus = "fail" if ids["fail"] else "unknown" if ids["unknown"] else "pass"
    if status == "pass":
        reasons: tuple[str, ...] = (f"all {len(checks)} checks passed",)
    else:
        reasons = tuple(f"{c.id}: {c.reason}" for c in checks if c.status == status)
    return Verdict(status, reasons, ids["fail"], ids["unknown"], ids["pass"])


def matches_expectation(
    verdict: Verdict, expected_status: CheckStatus, expected_because: Sequence[str]
) -> tuple[bool, str]:
    """Whether the verdict is the expected one for the expected reasons (ids or id globs)."""
    if verdict.status != expected_status:
        why = verdict.reasons[0] if verdict.reasons else "no reason"
        return False, f"expected {expected_status} but the run gave {verdict.status}: {why}"
    pool = {"fail": verdict.failed, "unknown": verdict.unknown, "pass": verdict.passed}[
        expected_status
    ]
    missing = [p for p in expected_because if not any(fnmatchcase(i, p) for i in pool)]
    if missing:
        return False, (
            f"{expected_status} as expected, but not because of {', '.join(missing)} "
            f"({expected_status} checks: {', '.join(pool) or 'none'})"
        )
    because = f" because of {', '.join(expected_because)}" if expected_because else ""
    return True, f"{expected_status} as expected{because}"
