"""`detect:*:time` on hand-built runs: the bank's own detection in time passes; a bank whose
detection is switched off (fragile: manual status, no anomaly detector) fails; nothing to
detect is unknown, and without an exfiltration the security check is not made."""

from __future__ import annotations

from collections.abc import Sequence

from harness.analysis.checks import Check
from harness.analysis.kinds import detect
from harness.history.people import Detection, PeopleExports, StatusExport
from harness.history.samples import Sample
from harness.spec.people import DetectBars
from tests.analysis.people_runs import evidence, healthy, incident, inject, outage, told_nothing

BARS = DetectBars(availability_within_s=5.0, security_within_s=30.0)
LEAK = (inject("exfiltrate", 1025.0),)


def judged(
    status: StatusExport | None, samples: Sequence[Sample] | None = None, **changes: object
) -> dict[str, Check]:
    run = evidence(outage() if samples is None else samples, detect=BARS,
                   people=PeopleExports(status=status), **changes)  # fmt: skip
    return {str(c.id): c for c in detect.checks(run)}


def test_burn_rate_and_honeytoken_detections_in_time_pass() -> None:
    status = StatusExport(
        (),
        (Detection(1023.5, "burn_rate", "balances", "error share 1.0"),
         Detection(1040.0, "honeytoken", None, "ACC-9001 read")),
        10, 0,
    )  # fmt: skip
    found = judged(status, timeline=LEAK)
    assert (found["detect:availability:time"].status, found["detect:availability:time"].measured) \
        == ("pass", 1.5)  # fmt: skip
    assert (found["detect:security:time"].status, found["detect:security:time"].measured) == (
        "pass", 15.0,
    )  # fmt: skip
    assert "security detected 15.0 s after the exfiltration began, bar 30 s" in (
        found["detect:security:time"].reason
    )


def test_no_detection_fails_both() -> None:
    """The mechanism off: no probe, no burn rate, no honeytoken alert."""
    found = judged(told_nothing(), timeline=LEAK)
    assert found["detect:availability:time"].status == "fail"
    assert found["detect:security:time"].status == "fail"
    assert "no security detection" in found["detect:security:time"].reason


def test_a_human_post_counts_as_detection_when_it_comes_and_a_late_one_fails() -> None:
    late = StatusExport((incident(1040.0, (1040.0,), source="manual"),), (), 0, 0)
    found = judged(late)
    assert (found["detect:availability:time"].status, found["detect:availability:time"].measured) \
        == ("fail", 18.0)  # fmt: skip


def test_an_availability_detection_does_not_detect_a_breach() -> None:
    status = StatusExport((), (Detection(1030.0, "probe", "app", "3 failures"),), 10, 3)
    assert judged(status, timeline=LEAK)["detect:security:time"].status == "fail"


def test_nothing_to_detect_is_unknown_and_no_exfiltration_makes_no_security_check() -> None:
    found = judged(told_nothing(), samples=healthy())
    assert set(found) == {"detect:availability:time"}
    assert found["detect:availability:time"].status == "unknown"
    found = judged(None, timeline=LEAK)
    assert {c.status for c in found.values()} == {"unknown"}
