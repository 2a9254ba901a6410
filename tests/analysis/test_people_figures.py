"""The people figures of a run as the analysis stores them: each part only with its export, a
breach row only with a breach, and `result.json` round trips (a v2 result from before the
people figures still reads, with none)."""

from __future__ import annotations

import json
from pathlib import Path

from harness.analysis.assessment import analyse_run
from harness.analysis.people_figures import people_figures
from harness.analysis.result import read_result, write_result
from harness.history.people import PeopleExports
from harness.metrics.contact import ContactFigures
from tests.analysis.people_runs import (
    CUSTOMERS,
    T0,
    calls,
    evidence,
    inject,
    notified,
    outage,
    told_nothing,
    told_well,
)
from tests.report.runs import RunSpec, build_run


def test_no_people_export_no_figures() -> None:
    assert people_figures(evidence(outage()), T0) is None


def test_every_part_with_its_export() -> None:
    people = PeopleExports(told_well(), notified(CUSTOMERS[:10]), calls([("answered", 0.0)] * 6))
    found = people_figures(evidence(outage(), people=people), T0)
    assert found is not None and found.comms is not None and found.contact is not None
    assert found.comms.told_after_onset_s == 2.0
    assert found.notifications is not None
    (outage_row,) = found.notifications.coverage
    assert (outage_row.subject, outage_row.audience, outage_row.notified) == ("outage", 20, 10)
    assert outage_row.share_pct == 50.0
    assert found.contact.answered == 6 and found.contact.bucket_s == 1


def test_only_the_contact_centre_gives_only_its_figures() -> None:
    found = people_figures(evidence(outage(), people=PeopleExports(contact=calls([]))), T0)
    assert found is not None and found.comms is None and found.notifications is None
    assert isinstance(found.contact, ContactFigures) and found.contact.calls == 0


def test_a_silent_page_still_gives_a_timeline_of_what_customers_went_through() -> None:
    found = people_figures(evidence(outage(), people=PeopleExports(status=told_nothing())), T0)
    assert found is not None and found.comms is not None
    assert [m.moment for m in found.comms.moments] == ["impact", "whole_again"]


def test_a_breach_adds_coverage_of_every_seeded_customer_from_its_onset() -> None:
    """Reset notices to all 20 a second after the exfiltration at 1030 (delivered at 1032)."""
    sent = notified(CUSTOMERS, at_s=1031.0, reason="reset")
    found = people_figures(
        evidence(outage(), people=PeopleExports(notifications=sent),
                 timeline=(inject("exfiltrate", 1030.0),)),
        T0,
    )  # fmt: skip
    assert found is not None and found.notifications is not None
    breach = found.notifications.coverage[1]
    assert (breach.subject, breach.audience, breach.notified, breach.share_pct) == (
        "breach", 20, 20, 100.0,
    )  # fmt: skip
    assert breach.first_notice_s == 2.0 and breach.notice_max_s == 2.0


def _stored(tmp_path: Path) -> Path:
    folder = build_run(tmp_path, RunSpec("people-figures")).run_dir
    contact = {"agents": 4, "queue_max": 20, "calls": [
        {"call_id": "CALL-1", "customer_id": "CUST-0001", "reason": "outage",
         "placed_at_s": T0 + 7.0, "outcome": "busy", "position_at_entry": None,
         "answered_at_s": None, "ended_at_s": T0 + 7.0, "wait_s": None}]}  # fmt: skip
    (folder / "exports" / "contact-centre.json").write_text(json.dumps(contact))
    return folder


def test_result_json_round_trips_the_people_figures(tmp_path: Path) -> None:
    folder = _stored(tmp_path)
    analyse_run(folder)
    result = read_result(folder)
    assert result.people is not None and result.people.contact is not None
    assert result.people.contact.busy == 1
    write_result(folder, result)
    assert read_result(folder) == result


def test_a_v2_result_without_people_figures_reads_back_with_none(tmp_path: Path) -> None:
    folder = _stored(tmp_path)
    analyse_run(folder)
    document = json.loads((folder / "result.json").read_text())
    del document["people"]
    (folder / "result.json").write_text(json.dumps(document))
    assert read_result(folder).people is None
