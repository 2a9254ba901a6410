"""`support:*` on hand-built contact-centre exports: a centre that answers in time passes; one
drowning (no callbacks, the queue full: hardened's callbacks switched off) fails; fewer than
five calls is unknown."""

from __future__ import annotations

from harness.analysis.checks import Check
from harness.analysis.kinds import support
from harness.history.people import ContactExport, PeopleExports
from harness.spec.people import SupportBars
from tests.analysis.people_runs import calls, evidence

BARS = SupportBars(wait_p95_s=60.0, abandoned_pct=10.0, busy_pct=5.0)


def judged(centre: ContactExport | None) -> dict[str, Check]:
    run = evidence((), support=BARS, people=PeopleExports(contact=centre))
    return {str(c.id): c for c in support.checks(run)}


def test_a_centre_that_answers_in_time_passes() -> None:
    found = judged(calls([("answered", w) for w in (1.0, 5.0, 10.0, 20.0, 30.0)]
                         + [("callback", 12.0)] * 5))  # fmt: skip
    assert {k: c.status for k, c in found.items()} == {
        "support:wait:p95": "pass", "support:abandonment": "pass", "support:busy": "pass",
    }  # fmt: skip
    assert found["support:wait:p95"].measured == 30.0
    assert "over 10 queued calls (4 agents), bar <= 60 s" in found["support:wait:p95"].reason


def test_a_drowning_centre_fails_every_bar() -> None:
    """The mechanism off: no callbacks, callers wait until they give up or hear busy."""
    drowned = [("abandoned", 90.0)] * 6 + [("answered", 120.0)] * 4 + [("busy", None)] * 10
    found = judged(calls(drowned))
    assert found["support:wait:p95"].status == "fail"
    assert found["support:wait:p95"].measured == 120.0
    assert (found["support:abandonment"].status, found["support:abandonment"].measured) == (
        "fail", 60.0,
    )  # fmt: skip
    assert (found["support:busy"].status, found["support:busy"].measured) == ("fail", 50.0)
    assert "10 of 20 calls got a busy signal (50.0 %, queue of 20)" in found["support:busy"].reason


def test_few_calls_or_no_export_is_unknown() -> None:
    found = judged(calls([("answered", 1.0)] * 4))
    assert {c.status for c in found.values()} == {"unknown"}
    only_busy = judged(calls([("busy", None)] * 6))
    assert only_busy["support:busy"].status == "fail"
    assert only_busy["support:wait:p95"].status == "unknown"
    assert only_busy["support:abandonment"].status == "unknown"
    assert {c.status for c in judged(None).values()} == {"unknown"}
