"""Per-run JUnit never paints an expected failure red: a publisher would show a perfect night
as a failure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.report.conftest import FRAGILE_NEW, Reports


def test_per_run_junit_marks_an_expected_failure_as_passing(reports: Reports) -> None:
    root = ET.parse(reports.run(FRAGILE_NEW) / "junit.xml").getroot()
    assert root.get("failures") == "0"
    outputs = [c.findtext("system-out") or "" for c in root.iter("testcase")]
    assert any(o.startswith("failed as expected: balance during fault") for o in outputs)
