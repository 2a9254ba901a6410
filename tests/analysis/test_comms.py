"""`comms:status:*` on hand-built runs: a page that told customers well passes, a silent page
(the hardened mechanism switched off: fragile's manual status) fails, thin evidence is unknown."""

from __future__ import annotations

from collections.abc import Sequence

from harness.analysis.checks import Check
from harness.analysis.kinds import comms, evaluate
from harness.history.people import PeopleExports, StatusExport
from harness.history.samples import Sample
from harness.spec.people import CommsBars
from tests.analysis.people_runs import (
    FAULT_START,
    evidence,
    healthy,
    incident,
    outage,
    told_nothing,
    told_well,
    traffic,
)

ALL_BARS = CommsBars(
    first_update_within_s=10.0,
    max_update_gap_s=10.0,
    resolved_after_recovery=True,
    components_shown=True,
)


def judged(
    status: StatusExport | None,
    samples: Sequence[Sample] | None = None,
    bars: CommsBars = ALL_BARS,
) -> dict[str, Check]:
    seen = outage() if samples is None else samples
    run = evidence(seen, comms=bars, people=PeopleExports(status=status))
    return {str(c.id): c for c in comms.checks(run)}


def test_a_page_that_told_customers_passes_every_bar_with_its_figures() -> None:
    found = judged(told_well())
    assert {k: c.status for k, c in found.items()} == {
        "comms:status:first_update": "pass",
        "comms:status:cadence": "pass",
        "comms:status:premature_resolved": "pass",
        "comms:status:components": "pass",
    }
    first = found["comms:status:first_update"]
    assert (first.measured, first.target) == (2.0, 10.0)
    assert "2.0 s after impact onset, bar 10 s" in first.reason
    assert found["comms:status:cadence"].measured == 5.0


def test_a_silent_page_fails_first_update_cadence_and_components() -> None:
    """The mechanism off: no detection feeds the page, nobody posts."""
    found = judged(told_nothing())
    assert found["comms:status:first_update"].status == "fail"
    assert "never said so" in found["comms:status:first_update"].reason
    cadence = found["comms:status:cadence"]
    assert cadence.status == "fail" and cadence.measured == 18.0  # onset 1022 to whole 1040
    assert found["comms:status:components"].status == "fail"
    assert found["comms:status:premature_resolved"].status == "pass"  # nothing was resolved


def test_a_late_first_update_and_a_long_silence_fail() -> None:
    late = incident(1040.0, (1040.0, 1060.0), resolved=1062.0)
    found = judged(StatusExport((late,), (), 0, 0))
    assert found["comms:status:first_update"].status == "fail"
    assert found["comms:status:first_update"].measured == 18.0
    assert found["comms:status:cadence"].status == "fail"
    assert found["comms:status:cadence"].measured == 20.0


def test_resolved_while_customers_still_fail_is_premature() -> None:
    early = incident(1024.0, (1024.0, 1029.0), resolved=1030.0)
    found = judged(StatusExport((early,), (), 0, 0))
    premature = found["comms:status:premature_resolved"]
    assert premature.status == "fail" and "+8 s after onset" in premature.reason


def test_components_must_cover_every_hurt_journey_and_app_covers_all() -> None:
    only_login = incident(1024.0, (1024.0,), components=("login",))
    found = judged(StatusExport((only_login,), (), 0, 0))
    assert found["comms:status:components"].status == "fail"
    assert "balance, transfer" in found["comms:status:components"].reason
    whole_app = incident(1024.0, (1024.0,), components=("app",))
    found = judged(StatusExport((whole_app,), (), 0, 0))
    assert found["comms:status:components"].status == "pass"


def test_nothing_to_tell_is_unknown_not_pass() -> None:
    found = judged(told_nothing(), samples=healthy())
    for name in ("first_update", "premature_resolved", "components", "cadence"):
        assert found[f"comms:status:{name}"].status == "unknown", name


def test_a_missing_status_export_is_unknown_with_its_reason() -> None:
    failed = PeopleExports(problems={"status": "status export failed: timeout"})
    run = evidence(outage(), comms=ALL_BARS, people=failed)
    found = comms.checks(run)
    assert {c.status for c in found} == {"unknown"}
    assert all("status export failed: timeout" in c.reason for c in found)


def _reads(failing_in_fault: bool) -> tuple[Sample, ...]:
    return outage() + traffic(
        lambda t, journey: failing_in_fault and t >= FAULT_START, journeys=("status_check",),
        step_s=1.0,
    )  # fmt: skip


def test_the_page_must_answer_customers_during_the_fault() -> None:
    bars = CommsBars(reachable_pct=99.0)
    up = judged(told_well(), samples=_reads(False), bars=bars)["comms:status:reachable"]
    assert up.status == "pass" and up.measured == 100.0
    down = judged(told_well(), samples=_reads(True), bars=bars)["comms:status:reachable"]
    assert down.status == "fail" and down.measured == 0.0 and "30 customers' reads" in down.reason
    none = judged(told_well(), samples=outage(), bars=bars)["comms:status:reachable"]
    assert none.status == "unknown" and "0 status-page reads" in none.reason


def test_the_registry_evaluates_comms_only_when_bars_are_set() -> None:
    run = evidence(outage(), people=PeopleExports(status=told_well()))
    assert not [c for c in evaluate(run) if c.kind == "comms"]
    run = evidence(outage(), comms=ALL_BARS, people=PeopleExports(status=told_well()))
    assert {str(c.id) for c in evaluate(run) if c.kind == "comms"} == {
        "comms:status:first_update", "comms:status:cadence",
        "comms:status:premature_resolved", "comms:status:components",
    }  # fmt: skip
