"""`junit.xml` for one analysed run: one testcase per check, from the stored `RunResult`.

Writes only; judges nothing (every status comes from the result).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness.analysis.result import RunResult


def write_junit(run_dir: Path, result: RunResult) -> Path:
    """One testsuite per run, one testcase per SLO, recovery bar, invariant and other check."""
    record = result.record
    suite = ET.Element(
        "testsuite",
        {
            "name": f"{result.experiment.name}[{record.profile}]",
            "tests": str(len(result.checks)),
            "failures": str(sum(c.status == "fail" for c in result.checks)),
            "skipped": str(sum(c.status == "unknown" for c in result.checks)),
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
        if check.status == "fail":
            ET.SubElement(case, "failure", {"message": check.reason}).text = check.reason
        elif check.status == "unknown":
            ET.SubElement(case, "skipped", {"message": check.reason})
        else:
            ET.SubElement(case, "system-out").text = check.reason
    path = run_dir / "junit.xml"
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
    return path
