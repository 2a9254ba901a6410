"""`junit.xml` for one analysed run: one testcase per check, from the stored `RunResult`.

A JUnit publisher paints any `<failure>` red, so a check that failed is a failure only when
the run's verdict contradicts its expectation; when a fragile bank fails for the expected
reason, its failing checks are passing testcases that say "failed as expected". Undecided
checks and an inconclusive run are skipped. Writes only; judges nothing.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness.analysis.result import RunResult


def write_junit(run_dir: Path, result: RunResult) -> Path:
    """One testsuite per run, one testcase per SLO, recovery bar, invariant and other check."""
    record = result.record
    as_expected = result.actual.matched or result.actual.inconclusive
    suite = ET.Element(
        "testsuite",
        {
            "name": f"{result.experiment.name}[{record.profile}]",
            "tests": str(len(result.checks)),
            "failures": str(0 if as_expected else sum(c.status == "fail" for c in result.checks)),
            "skipped": str(sum(c.status == "unknown" for c in result.checks)),
            "time": f"{record.duration_s or 0.0:.3f}",
            "timestamp": record.started_at,
        },
    )
    props = ET.SubElement(suite, "properties")
    for key, value in (
        ("seed", record.seed),
        ("time_scale", record.time_scale),
        ("runtime", record.runtime),
        ("profile", record.profile),
        ("expected", result.expected.verdict),
        ("actual", result.actual.verdict),
    ):
        ET.SubElement(props, "property", {"name": key, "value": str(value)})
    for check in result.checks:
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": f"{result.experiment.name}.{record.profile}.{check.kind}",
                "name": str(check.id),
            },
        )
        if check.status == "fail" and not as_expected:
            ET.SubElement(case, "failure", {"message": check.reason}).text = check.reason
        elif check.status == "fail":
            ET.SubElement(case, "system-out").text = f"failed as expected: {check.reason}"
        elif check.status == "unknown":
            ET.SubElement(case, "skipped", {"message": check.reason})
        else:
            ET.SubElement(case, "system-out").text = check.reason
    path = run_dir / "junit.xml"
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
    return path
