"""The suite's JUnit file and exit code: a mismatch fails, an inconclusive run is skipped and
exits 3, everything as expected is green."""

from __future__ import annotations

import argparse
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.cli.commands import _exit_for
from harness.cli.suite import SuiteEntry, write_suite


def entry(profile: str, expected: str, actual: str, matched: bool) -> SuiteEntry:
    return SuiteEntry("demo", profile, expected, actual, matched, f"{actual} because", None, 12.5)


AS_EXPECTED = [entry("hardened", "pass", "pass", True), entry("fragile", "fail", "fail", True)]
ARGS = argparse.Namespace(time_scale=0.1, seed=1, runtime="local")


def junit(out: Path, entries: list[SuiteEntry]) -> ET.Element:
    write_suite(out, entries, 0.0, ARGS)
    return ET.parse(out / "junit.xml").getroot()


def test_all_as_expected_is_green_with_times(tmp_path: Path) -> None:
    root = junit(tmp_path, AS_EXPECTED)
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("2", "0", "0")
    assert [c.get("time") for c in root.iter("testcase")] == ["12.500", "12.500"]
    assert _exit_for(AS_EXPECTED, infra_failed=False) == 0


def test_exactly_the_broken_expectation_fails(tmp_path: Path) -> None:
    entries = [AS_EXPECTED[0], entry("fragile", "fail", "pass", False)]
    root = junit(tmp_path, entries)
    failing = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
    assert failing == ["demo[fragile]"] and root.get("failures") == "1"
    assert _exit_for(entries, infra_failed=False) == 1


def test_an_inconclusive_run_is_skipped_and_exits_3(tmp_path: Path) -> None:
    entries = [AS_EXPECTED[0], entry("fragile", "fail", "inconclusive", False)]
    root = junit(tmp_path, entries)
    assert (root.get("failures"), root.get("skipped")) == ("0", "1")
    assert entries[1].outcome == "inconclusive"
    assert _exit_for(entries, infra_failed=False) == 3
