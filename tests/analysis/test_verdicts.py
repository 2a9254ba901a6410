"""Verdicts: SLO, recovery and invariant checks, their merge and the expectation match."""

import pytest

from harness.analysis.verdicts import (
    Check,
    RecoveryBar,
    RunHistory,
    SloTarget,
    evaluate,
    invariant_checks,
    matches_expectation,
    overall,
    recovery_checks,
    slo_checks,
)
from harness.errors import ConfigError
from harness.history.samples import Outcome, Sample
from harness.invariants import InvariantResult
from harness.metrics import Window
from tests.invariants.bank import Story, transfer_sample

T0 = 1_700_000_000.0
WINDOWS = (
    Window("baseline", T0, T0 + 10),
    Window("fault", T0 + 10, T0 + 20),
    Window("recovery", T0 + 20, T0 + 40),
)


def run(bad_from_s: float, bad_to_s: float, journey: str = "transfer") -> RunHistory:
    """Ten requests a second for 40 s, failing between the two offsets."""
    samples = []
    for i in range(400):
        t = i / 10
        outcome: Outcome = "failed" if bad_from_s <= t < bad_to_s else "ok"
        samples.append(
            Sample(
                t_s=T0 + t, journey=journey, status=200, latency_ms=80.0 + i % 10, outcome=outcome
            )
        )
    return RunHistory(tuple(samples), WINDOWS, fault_end_s=T0 + 20, run_end_s=T0 + 40)


def test_slo_checks_pass_and_fail_with_numbers() -> None:
    """Availability and percentile targets give one check each, with the measured value."""
    slos = [
        SloTarget("transfer", "baseline", availability_pct=99.9, p99_ms=100.0),
        SloTarget("transfer", "fault", availability_pct=90.0, p50_ms=50.0),
    ]
    checks = {c.id: c for c in slo_checks(run(12, 15), slos)}
    assert set(checks) == {
        "slo:transfer:baseline:availability",
        "slo:transfer:baseline:p99",
        "slo:transfer:fault:availability",
        "slo:transfer:fault:p50",
    }
    assert checks["slo:transfer:baseline:availability"].status == "pass"
    fault = checks["slo:transfer:fault:availability"]
    assert (fault.status, fault.measured, fault.target) == ("fail", 70.0, 90.0)
    assert fault.reason == (
        "transfer during fault: availability 70.00 % (70 of 100 due requests ok), target >= 90 %"
    )
    assert checks["slo:transfer:fault:p50"].status == "fail"
    assert checks["slo:transfer:baseline:p99"].measured == 89.0


def test_slo_on_missing_phase_or_journey_is_unknown() -> None:
    """No such phase, or no request due, cannot be judged: unknown."""
    slos = [
        SloTarget("transfer", "rollback", availability_pct=99.0),
        SloTarget("login", "fault", p99_ms=500.0),
    ]
    checks = slo_checks(run(0, 0), slos)
    assert [c.status for c in checks] == ["unknown", "unknown"]
    assert "phases: baseline, fault, recovery" in checks[0].reason


def test_recovery_checks_use_the_recovery_slo() -> None:
    """Time to recover is measured against the recovery-phase SLO and compared with the bar."""
    slos = [
        SloTarget("transfer", "baseline", availability_pct=99.9),
        SloTarget("transfer", "recovery", availability_pct=99.0),
    ]
    fast = recovery_checks(run(12, 23), [RecoveryBar(("transfer",), 5.0, 5)], slos)[0]
    assert (fast.id, fast.status, fast.measured) == ("recovery:transfer", "pass", 3.0)
    slow = recovery_checks(run(12, 30), [RecoveryBar(("transfer",), 5.0, 5)], slos)[0]
    assert (slow.status, slow.measured) == ("fail", 10.0)
    never = recovery_checks(run(12, 38), [RecoveryBar(("transfer",), 5.0, 5)], slos)[0]
    assert never.status == "fail" and never.measured is None
    assert "did not hold its recovery SLO" in never.reason
    orphan = recovery_checks(run(0, 0), [RecoveryBar(("login",), 5.0, 5)], slos)[0]
    assert orphan.status == "unknown"


def test_invariant_results_map_to_checks() -> None:
    """ok, failed and unknown invariant results become pass, fail and unknown checks."""
    results = [
        InvariantResult("money_conserved", "ok", (), "fine"),
        InvariantResult("exactly_once", "failed", (), "dup"),
        InvariantResult("no_status_flip", "unknown", (), "nothing shown"),
    ]
    assert [(c.id, c.status) for c in invariant_checks(results)] == [
        ("invariant:money_conserved", "pass"),
        ("invariant:exactly_once", "fail"),
        ("invariant:no_status_flip", "unknown"),
    ]


def test_evaluate_runs_everything_and_survives_a_missing_state() -> None:
    """evaluate gives SLO, recovery and invariant checks; no bank state makes invariants unknown."""
    story = Story()
    story.transfer("T1", 1, 2, 100)
    history = run(12, 15)
    history = RunHistory(
        (*history.samples, transfer_sample("T1", T0 + 1)),
        history.windows,
        history.fault_end_s,
        history.run_end_s,
    )
    slos = [SloTarget("transfer", "recovery", availability_pct=99.0)]
    bars = [RecoveryBar(("transfer",), 5.0, 3)]
    checks = evaluate(
        history, slos, bars, ["money_conserved", "acknowledged_durable"], story.state()
    )
    assert [(c.id, c.status) for c in checks] == [
        ("slo:transfer:recovery:availability", "pass"),
        ("recovery:transfer", "pass"),
        ("invariant:money_conserved", "pass"),
        ("invariant:acknowledged_durable", "pass"),
    ]
    blind = evaluate(history, slos, bars, ["money_conserved"], None)
    assert blind[-1].status == "unknown" and "could not be exported" in blind[-1].reason
    with pytest.raises(ConfigError, match="valid invariants"):
        evaluate(history, slos, bars, ["money_kept"], None)


def test_overall_merges_fail_over_unknown_over_pass() -> None:
    """Any fail fails; else any unknown is unknown; else pass; no checks is unknown."""
    ok = Check("slo:a:fault:p99", "slo", "pass", "fine")
    unsure = Check("invariant:no_status_flip", "invariant", "unknown", "nothing shown")
    bad = Check("recovery:a", "recovery", "fail", "a did not recover")
    assert overall([ok]).status == "pass"
    assert overall([ok, unsure]).status == "unknown"
    verdict = overall([ok, unsure, bad])
    assert verdict.status == "fail" and verdict.reasons == ("recovery:a: a did not recover",)
    assert verdict.failed == ("recovery:a",) and verdict.passed == ("slo:a:fault:p99",)
    assert overall([]).status == "unknown"


def test_matches_expectation_by_status_and_reasons() -> None:
    """The expected status must match and each expected id (or glob) must be among its checks."""
    verdict = overall(
        [
            Check("invariant:exactly_once", "invariant", "fail", "dup"),
            Check("slo:transfer:fault:availability", "slo", "fail", "low"),
            Check("recovery:transfer", "recovery", "pass", "fast"),
        ]
    )
    assert matches_expectation(verdict, "fail", ["invariant:exactly_once"])[0]
    assert matches_expectation(verdict, "fail", ["slo:transfer:*"])[0]
    assert matches_expectation(verdict, "fail", [])[0]
    wrong_reason = matches_expectation(verdict, "fail", ["recovery:transfer"])
    assert wrong_reason == (
        False,
        "fail as expected, but not because of recovery:transfer "
        "(fail checks: invariant:exactly_once, "
        "slo:transfer:fault:availability)",
    )
    ok, reason = matches_expectation(verdict, "pass", [])
    assert not ok and reason.startswith("expected pass but the run gave fail: invariant:")


def test_a_crashing_check_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """A check whose computation raises becomes unknown with the exception, not an abort."""

    def broken(*args: object) -> None:
        raise ZeroDivisionError("no seconds")

    monkeypatch.setattr("harness.analysis.verdicts.phase_stats", broken)
    checks = slo_checks(run(0, 0), [SloTarget("transfer", "fault", availability_pct=99.0)])
    assert checks[0].status == "unknown"
    assert checks[0].reason.endswith("crashed: ZeroDivisionError: no seconds")
