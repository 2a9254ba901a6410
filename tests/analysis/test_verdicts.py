"""Check kinds (SLO, recovery, invariant, abort, timeline), their merge and the expectation."""

from dataclasses import replace

import pytest

from harness.analysis.assessment import invariant_results
from harness.analysis.checks import Check
from harness.analysis.evidence import Evidence, RecoveryBar, SloTarget
from harness.analysis.kinds import (
    CHECK_KINDS,
    abort,
    cleanup,
    evaluate,
    invariant,
    machine,
    recovery,
    slo,
    timeline,
)
from harness.analysis.verdicts import matches_expectation, overall
from harness.errors import ConfigError
from harness.history.record import AbortRecord, MachineRecord, TimelineEvent
from harness.history.samples import Outcome, Sample
from harness.invariants import InvariantResult
from harness.metrics import Window
from harness.spec.check_ids import CheckId
from tests.invariants.bank import Story, transfer_sample

T0 = 1_700_000_000.0
WINDOWS = (
    Window("baseline", T0, T0 + 10),
    Window("fault", T0 + 10, T0 + 20),
    Window("recovery", T0 + 20, T0 + 40),
)


def run(bad_from_s: float, bad_to_s: float, journey: str = "transfer") -> Evidence:
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
    return Evidence(tuple(samples), WINDOWS, fault_end_s=T0 + 20, run_end_s=T0 + 40)


def ids(checks: list[Check]) -> list[str]:
    return [str(c.id) for c in checks]


def test_slo_checks_pass_and_fail_with_numbers() -> None:
    """Availability and percentile targets give one check each, with the measured value."""
    slos = [
        SloTarget("transfer", "baseline", availability_pct=99.9, p99_ms=100.0),
        SloTarget("transfer", "fault", availability_pct=90.0, p50_ms=50.0),
    ]
    checks = {str(c.id): c for c in slo.checks(replace(run(12, 15), slos=tuple(slos)))}
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
    checks = slo.checks(replace(run(0, 0), slos=tuple(slos)))
    assert [c.status for c in checks] == ["unknown", "unknown"]
    assert "phases: baseline, fault, recovery" in checks[0].reason


def test_recovery_checks_use_the_recovery_slo() -> None:
    """Time to recover is measured against the recovery-phase SLO and compared with the bar."""
    slos = [
        SloTarget("transfer", "baseline", availability_pct=99.9),
        SloTarget("transfer", "recovery", availability_pct=99.0),
    ]
    fast = recovery.checks(
        replace(run(12, 23), recovery=(RecoveryBar(("transfer",), 5.0, 5),), slos=tuple(slos))
    )[0]
    assert (str(fast.id), fast.status, fast.measured) == ("recovery:transfer", "pass", 3.0)
    slow = recovery.checks(
        replace(run(12, 30), recovery=(RecoveryBar(("transfer",), 5.0, 5),), slos=tuple(slos))
    )[0]
    assert (slow.status, slow.measured) == ("fail", 10.0)
    never = recovery.checks(
        replace(run(12, 38), recovery=(RecoveryBar(("transfer",), 5.0, 5),), slos=tuple(slos))
    )[0]
    assert never.status == "fail" and never.measured is None
    assert "did not hold its recovery SLO" in never.reason
    orphan = recovery.checks(
        replace(run(0, 0), recovery=(RecoveryBar(("login",), 5.0, 5),), slos=tuple(slos))
    )[0]
    assert orphan.status == "unknown"


def test_invariant_results_map_to_checks() -> None:
    """ok, failed and unknown invariant results become pass, fail and unknown checks."""
    results = [
        InvariantResult("money_conserved", "ok", (), "fine"),
        InvariantResult("exactly_once", "failed", (), "dup"),
        InvariantResult("no_status_flip", "unknown", (), "nothing shown"),
    ]
    checks = invariant.checks(replace(run(0, 0), invariants=tuple(results)))
    assert [(str(c.id), c.status) for c in checks] == [
        ("invariant:money_conserved", "pass"),
        ("invariant:exactly_once", "fail"),
        ("invariant:no_status_flip", "unknown"),
    ]


def test_evaluate_runs_every_kind_and_survives_a_missing_state() -> None:
    """evaluate gives SLO, recovery and invariant checks; no bank state makes invariants unknown."""
    story = Story()
    story.transfer("T1", 1, 2, 100)
    history = run(12, 15)
    samples = (*history.samples, transfer_sample("T1", T0 + 1))
    evidence = replace(
        history,
        samples=samples,
        slos=(SloTarget("transfer", "recovery", availability_pct=99.0),),
        recovery=(RecoveryBar(("transfer",), 5.0, 3),),
        invariants=invariant_results(
            ("money_conserved", "acknowledged_durable"), story.state(), samples
        ),
    )
    assert [(str(c.id), c.status) for c in evaluate(evidence)] == [
        ("slo:transfer:recovery:availability", "pass"),
        ("recovery:transfer", "pass"),
        ("invariant:money_conserved", "pass"),
        ("invariant:acknowledged_durable", "pass"),
    ]
    blind = invariant_results(("money_conserved",), None, samples)
    assert blind[0].status == "unknown" and "could not be exported" in blind[0].summary
    with pytest.raises(ConfigError, match="valid invariants"):
        invariant_results(("money_kept",), None, samples)


def test_abort_gives_a_failing_check_named_by_its_journey() -> None:
    """A recorded abort is `abort:<journey>` failing with its reason; no abort, no check."""
    assert abort.checks(run(0, 0)) == []
    stopped = replace(run(0, 0), abort=AbortRecord("transfer", "transfer error rate above 50 %"))
    (check,) = abort.checks(stopped)
    assert (str(check.id), check.status) == ("abort:transfer", "fail")
    verdict = overall(evaluate(stopped))
    assert matches_expectation(verdict, "fail", ["abort:transfer"]) == (
        True,
        "fail as expected because of abort:transfer",
    )


def test_a_fault_not_injected_or_not_healed_is_undecided() -> None:
    """A failed or interrupted inject is `timeline:<kind>` (the run is inconclusive whatever
    else failed); a failed heal is `cleanup:<kind>` (a fail decided elsewhere stands)."""
    fine = TimelineEvent(5.0, T0 + 5, "inject", "crash", "crash core", "ok")
    cut = TimelineEvent(5.0, T0 + 5, "inject", "crash", "crash core", "unknown", "SIGTERM")
    stuck = TimelineEvent(9.0, T0 + 9, "heal", "crash", "crash core", "failed", "boom")
    assert timeline.checks(replace(run(0, 0), timeline=(fine, stuck))) == []
    assert cleanup.checks(replace(run(0, 0), timeline=(fine,))) == []
    (not_injected,) = timeline.checks(replace(run(0, 0), timeline=(cut,)))
    assert (str(not_injected.id), not_injected.status) == ("timeline:crash", "unknown")
    (not_healed,) = cleanup.checks(replace(run(0, 0), timeline=(fine, stuck)))
    assert (str(not_healed.id), not_healed.status) == ("cleanup:crash", "unknown")
    assert "boom" in not_healed.reason
    bad = Check(CheckId.parse("invariant:exactly_once"), "fail", "dup")
    assert overall([bad, not_healed]).status == "fail"
    assert overall([bad, not_injected]).status == "inconclusive"


def test_every_kind_is_registered_under_its_module_name() -> None:
    for name, kind in CHECK_KINDS.items():
        assert kind.__module__ == f"harness.analysis.kinds.{name}"


def test_check_ids_parse_and_format_one_way() -> None:
    for text in ("invariant:exactly_once", "slo:balance:fault:p99", "abort:any"):
        assert str(CheckId.parse(text)) == text
    assert CheckId.parse("slo:balance:fault:p99") == CheckId("slo", "balance", "fault", "p99")
    for bad in ("abort", "slo::fault", "a:b:c:d:e", ""):
        with pytest.raises(ValueError, match="not a check id"):
            CheckId.parse(bad)


def test_overall_merges_fail_over_undecided_over_pass() -> None:
    """Any fail fails; else any undecided check is inconclusive; else pass; none inconclusive."""
    ok = Check(CheckId.parse("slo:a:fault:p99"), "pass", "fine")
    unsure = Check(CheckId.parse("invariant:no_status_flip"), "unknown", "nothing shown")
    bad = Check(CheckId.parse("recovery:a"), "fail", "a did not recover")
    assert overall([ok]).status == "pass"
    assert overall([ok, unsure]).status == "inconclusive"
    verdict = overall([ok, unsure, bad])
    assert verdict.status == "fail" and verdict.reasons == ("recovery:a: a did not recover",)
    assert verdict.failed == ("recovery:a",) and verdict.passed == ("slo:a:fault:p99",)
    assert overall([]).status == "inconclusive"


def test_an_unhealthy_baseline_or_an_experiment_not_carried_out_is_inconclusive() -> None:
    """The steady-state gate and infrastructure checks outrank every fail: never a verdict."""
    bad = Check(CheckId.parse("invariant:exactly_once"), "fail", "dup")
    sick = Check(CheckId.parse("slo:balance:baseline:p99"), "fail", "p99 1336 ms")
    verdict = overall([bad, sick])
    assert verdict.status == "inconclusive"
    assert verdict.reasons == ("the bank was not healthy before the fault: p99 1336 ms",)
    assert matches_expectation(verdict, "fail", ["invariant:exactly_once"]) == (
        False,
        "inconclusive: the bank was not healthy before the fault: p99 1336 ms",
    )
    skipped = Check(CheckId.parse("timeline:crash"), "unknown", "could not inject")
    assert overall([bad, skipped]).status == "inconclusive"
    fault_slo = Check(CheckId.parse("slo:balance:fault:availability"), "fail", "low")
    assert overall([fault_slo]).status == "fail"


def test_a_bar_decided_on_too_few_requests_is_undecided() -> None:
    few = replace(
        run(0, 0), samples=run(0, 0).samples[:15],
        slos=(SloTarget("transfer", "baseline", availability_pct=99.0),),
    )  # fmt: skip
    (check,) = slo.checks(few)
    assert check.status == "unknown" and "fewer than the 20" in check.reason


def test_matches_expectation_by_status_and_reasons() -> None:
    """The expected status must match and each expected id (or glob) must be among its checks."""
    verdict = overall(
        [
            Check(CheckId.parse("invariant:exactly_once"), "fail", "dup"),
            Check(CheckId.parse("slo:transfer:fault:availability"), "fail", "low"),
            Check(CheckId.parse("recovery:transfer"), "pass", "fast"),
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

    monkeypatch.setattr("harness.analysis.kinds.slo.phase_stats", broken)
    evidence = replace(run(0, 0), slos=(SloTarget("transfer", "fault", availability_pct=99.0),))
    checks = slo.checks(evidence)
    assert checks[0].status == "unknown"
    assert checks[0].reason.endswith("crashed: ZeroDivisionError: no seconds")


def test_a_machine_busy_with_other_work_makes_the_run_inconclusive() -> None:
    """Other work's mean CPU share above the bar: `machine:cpu` unknown, whatever failed."""
    busy = replace(run(0, 0), machine=MachineRecord(2, 41.5, 88.0, 30))
    (check,) = machine.checks(busy)
    assert (str(check.id), check.status) == ("machine:cpu", "unknown")
    assert "41.5 % of its 2 cores" in check.reason
    bad = Check(CheckId.parse("slo:balance:fault:availability"), "fail", "94.9 %")
    assert overall([bad, check]).status == "inconclusive"
    quiet = replace(run(0, 0), machine=MachineRecord(2, 3.0, 9.0, 30))
    assert [c.status for c in machine.checks(quiet)] == ["pass"]
    assert machine.checks(run(0, 0)) == []
