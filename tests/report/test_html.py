"""The run report: content from the stored run, self-contained, escaped, comparisons, size."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from markupsafe import escape

from harness.errors import ConfigError
from harness.report.html import write_run_report
from harness.report.pages import timestamp
from tests.report.conftest import FRAGILE_NEW, FRAGILE_OLD, HARDENED, Reports
from tests.report.runs import HOSTILE, RunSpec, build_run

MAX_REPORT_BYTES = 5 * 1024 * 1024


def _page(reports: Reports, run_id: str) -> str:
    return (reports.run(run_id) / "report.html").read_text(encoding="utf-8")


def test_analysis_writes_the_report_and_the_function_returns_its_path(reports: Reports) -> None:
    """analyse_run produced report.html; regenerating returns the same path."""
    folder = reports.run(FRAGILE_NEW)
    assert write_run_report(folder) == folder / "report.html"


def test_verdict_banner_says_expected_actual_and_why(reports: Reports) -> None:
    """The banner states the match, both verdicts, the reason and the first failing checks."""
    page = _page(reports, FRAGILE_NEW)
    banner = page[page.index('id="verdict"') : page.index('id="incident"')]
    assert "As expected" in banner and "FAIL" in banner
    assert "fail as expected because of slo:balance:fault:availability" in banner
    assert (
        "slo:balance:fault:availability</code>: balance during fault: availability 0.00 %" in banner
    )
    assert "invariant:acknowledged_durable" in banner


def test_report_is_self_contained(reports: Reports) -> None:
    """No script, no external stylesheet, font or image; only anchors point outside."""
    page = _page(reports, FRAGILE_NEW)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower() and "@import" not in page
    assert not re.search(r'\bsrc="', page)
    assert not re.search(r"url\((?!#)", page)
    external = re.findall(r'href="(https?://[^"]*)"', page)
    assert external == [str(escape('https://example.org/incident?a=1&b="2"'))]


def test_untrusted_strings_are_escaped(reports: Reports) -> None:
    """A hostile title, note and step error appear as text, never as markup."""
    page = _page(reports, FRAGILE_NEW)
    assert HOSTILE not in page
    assert str(escape(HOSTILE)) in page
    assert page.count(str(escape(HOSTILE))) >= 3


def test_timeline_has_exact_offsets_wall_times_and_failed_steps(reports: Reports) -> None:
    """Each step with its offset to the millisecond, UTC wall time, and the failed heal flagged."""
    page = _page(reports, FRAGILE_NEW)
    section = page[page.index('id="timeline"') : page.index('id="charts"')]
    assert "t+5.004 s" in section and "t+15.002 s" in section
    assert re.search(r"\d\d:\d\d:\d\d\.\d{3} UTC", section)
    assert section.count('class="failed-step"') == 1
    assert "restart timed out" in section


def test_one_chart_per_journey_plus_all_journeys(reports: Reports) -> None:
    """Charts for all journeys pooled, balance and transfer, with phases and action marks."""
    page = _page(reports, FRAGILE_NEW)
    charts = re.findall(r'<svg class="chart" role="img" aria-label="([^"]+)"', page)
    assert [c.split(":")[0] for c in charts] == ["all journeys", "balance", "transfer"]
    assert len(set(re.findall(r'\bid="([^"]+)"', page))) == len(re.findall(r'\bid="', page))


def test_phase_table_carries_slo_badges(reports: Reports) -> None:
    """The balance fault availability cell shows a fail badge with its target."""
    page = _page(reports, FRAGILE_NEW)
    section = page[page.index('id="phases"') : page.index('id="invariants"')]
    fault_row = re.search(r"<tr><td>fault</td>.*?</tr>", section, re.DOTALL)
    assert fault_row is not None
    assert "✘ fail" in fault_row.group(0) and "≥ 95.0" in fault_row.group(0)
    assert section.count("✔ pass") >= 3


def test_invariant_violations_show_the_offending_transfers(reports: Reports) -> None:
    """Recomputed details name the lost transfers, their count and the money involved."""
    page = _page(reports, FRAGILE_NEW)
    section = page[page.index('id="invariants"') : page.index('id="profiles"')]
    assert "Violations in detail" in section
    assert "T0007, T0008" in section
    assert "lost acknowledged transfer" in section and "2.00" in section


def test_hardened_and_fragile_side_by_side(reports: Reports) -> None:
    """The fragile report links the latest hardened run and shows both verdicts."""
    page = _page(reports, FRAGILE_NEW)
    section = page[page.index('id="profiles"') : page.index('id="previous"')]
    assert f'href="../{HARDENED}/report.html"' in section
    assert "fail (fail)" in section and "pass (pass)" in section


def test_previous_run_comparison_with_directions(reports: Reports) -> None:
    """Against the older fragile run: linked, with better/worse judgements."""
    page = _page(reports, FRAGILE_NEW)
    section = page[page.index('id="previous"') : page.index('id="appendix"')]
    assert f'href="../{FRAGILE_OLD}/report.html"' in section
    assert "▲ worse" in section
    assert "Invariants violated" in section


def test_first_run_has_no_previous_section(reports: Reports) -> None:
    """The oldest run has nothing earlier to compare with."""
    assert 'id="previous"' not in _page(reports, FRAGILE_OLD)


def test_appendix_links_resolve_to_files_in_the_run_folder(reports: Reports) -> None:
    """Every relative link in the appendix points at an existing file; the YAML is inlined."""
    folder = reports.run(FRAGILE_NEW)
    page = _page(reports, FRAGILE_NEW)
    section = page[page.index('id="appendix"') :]
    links = re.findall(r'href="([^"#:]+)"', section)
    assert {"result.json", "junit.xml", "logs/core-dc-a.log", "exports/payments.json"} <= set(links)
    assert all((folder / html.unescape(link)).is_file() for link in links)
    assert "invariants: [money_conserved, acknowledged_durable]" in section
    assert "balance_cache=off" in section and "seed" in section
    assert "<dt>bank start-up</dt><dd>4.5 s</dd>" in section


def test_missing_result_is_a_clear_error(tmp_path: Path) -> None:
    """A folder that was never analysed names itself and the fix."""
    with pytest.raises(ConfigError, match=r"no result\.json; analyse the run first"):
        write_run_report(tmp_path)


def test_ten_minute_run_report_stays_under_five_megabytes(tmp_path: Path) -> None:
    """600 s at ~50 requests/s: the report is well under 5 MB."""
    outcome = build_run(
        tmp_path / "runs",
        RunSpec("long-run", baseline_s=120, fault_s=180, recovery_s=300, rate_per_s=66),
    )
    lines = (outcome.run_dir / "load.jsonl").read_text().count("\n")
    assert 25_000 <= lines <= 35_000
    size = write_run_report(outcome.run_dir).stat().st_size
    assert size < MAX_REPORT_BYTES, f"report is {size} bytes"


def test_instants_read_as_utc_wall_clock() -> None:
    """ISO instants become `YYYY-MM-DD HH:MM:SS UTC` (any offset); missing or odd text survives."""
    assert timestamp("2026-12-01T17:03:57.487183+00:00") == "2026-12-01 17:03:57 UTC"
    assert timestamp("2026-12-01T18:03:57+01:00") == "2026-12-01 17:03:57 UTC"
    assert timestamp(None) == "—"
    assert timestamp("yesterday") == "yesterday"
