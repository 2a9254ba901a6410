"""Suite index, Markdown digest and KPI comparisons over the synthetic reports folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from markupsafe import escape

from harness.analysis.result import BudgetFigures, Kpis
from harness.errors import ConfigError
from harness.report.digest import markdown_cell, write_suite_reports, write_summary
from harness.report.index import read_history, write_index
from harness.report.scorecard import kpi_cards, kpi_deltas
from tests.report.conftest import Reports
from tests.report.runs import HOSTILE


def test_index_has_one_row_per_entry_with_verdicts_in_words(reports: Reports) -> None:
    """Each experiment x profile row shows expected, actual and the outcome as text."""
    page = write_index(reports.root).read_text(encoding="utf-8")
    body = page[page.index('id="runs"') : page.index('id="history"')]
    assert body.count("<tr class=") == 3
    assert body.count("✘ MISMATCH") == 1 and body.count("✔ as expected") == 2
    assert "1 not as expected" in page
    assert "<script" not in page.lower()
    assert str(escape(HOSTILE)) in body and HOSTILE not in body


def test_index_links_and_sparklines_point_at_real_reports(reports: Reports) -> None:
    """Relative links open the runs' reports; analysed runs get an error-rate sparkline."""
    path = write_index(reports.root)
    page = path.read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+report\.html)"', page)
    assert len(links) == 2
    assert all(not os.path.isabs(link) and (path.parent / link).is_file() for link in links)
    assert page.count('<svg class="spark"') == 2
    assert "no report" in page


def test_history_trend_skips_torn_lines(reports: Reports) -> None:
    """Four readable suite runs, newest last; the page draws one bar group per run."""
    history = read_history(reports.root)
    assert [h.entries for h in history] == [2, 2, 2, 3]
    assert history[-1].mismatched == 1
    page = write_index(reports.root).read_text(encoding="utf-8")
    assert page.count("<g><title>") == 4


def test_missing_suite_names_the_file(tmp_path: Path) -> None:
    """Without suite.json the error names the path and the command to run."""
    with pytest.raises(ConfigError, match=r"suite\.json: cannot read the suite \(run `harness"):
        write_index(tmp_path)


def test_summary_lists_mismatches_first_with_links(reports: Reports) -> None:
    """The digest's headline counts mismatches and its table starts with them."""
    text = write_summary(reports.root).read_text(encoding="utf-8")
    assert text.startswith("## Bank chaos suite: ❌ 1 of 3 runs not as expected")
    rows = [line for line in text.splitlines() if line.startswith("| ")][1:]
    assert rows[0].startswith("| **✘ MISMATCH** | payments-retry-storm")
    assert all(row.count(" | ") == 6 for row in rows)
    links = re.findall(r"\]\(([^)]+)\)", text)
    assert len(links) == 2 and all((reports.root / link).is_file() for link in links)


def test_markdown_cells_cannot_break_the_table_or_inject_html() -> None:
    """Pipes, newlines, brackets and tags are neutralised; long reasons are cut."""
    cell = markdown_cell("a | b\n<img src=x>[link](http://x)")
    assert "|" not in cell.replace("\\|", "") and "\n" not in cell
    assert "<" not in cell and "](" not in cell.replace("\\]", "")
    assert len(markdown_cell("x" * 1000)) == 240


def test_write_suite_reports_returns_index_and_summary(reports: Reports) -> None:
    """Both suite files are written in the reports folder."""
    index, summary = write_suite_reports(reports.root)
    assert (index.name, summary.name) == ("index.html", "summary.md")
    assert index.is_file() and summary.is_file()


def kpis(**figures: object) -> Kpis:
    """Figures of a run: nothing detected or recovered, no request, unless given."""
    base: dict[str, object] = {
        "time_to_detect_s": None,
        "time_to_recover_s": {},
        "worst_recovery_s": None,
        "worst_availability_pct": None,
        "worst_availability_at_s": None,
        "p99_during_fault_ms": None,
        "error_budget": BudgetFigures(99.0, None, 0, 0),
        "unserved_requests": 0,
        "requests": 0,
        "invariants_failed": (),
        "invariants_passed": (),
    }
    return Kpis(**{**base, **figures})  # type: ignore[arg-type]


def test_kpi_deltas_judge_direction_per_measure() -> None:
    """Lower recovery time is better, lower availability is worse, equal is same."""
    this = kpis(worst_recovery_s=4.0, worst_availability_pct=50.0, unserved_requests=3)
    other = kpis(worst_recovery_s=8.0, worst_availability_pct=90.0, unserved_requests=3)
    rows = {d.label: d for d in kpi_deltas(this, other)}
    assert (rows["Time to recover (worst)"].arrow, rows["Time to recover (worst)"].judgement) == (
        "▼",
        "better",
    )
    assert rows["Worst availability"].judgement == "worse"
    assert rows["Unserved demand"].judgement == "same"
    assert rows["Time to detect"].judgement == "n/a"


def test_kpi_cards_flag_unrecovered_journeys_and_violations() -> None:
    """A journey that never recovered and a violated invariant make their cards bad."""
    figures = kpis(
        time_to_recover_s={"balance": None, "login": 2.0},
        worst_recovery_s=2.0,
        invariants_failed=("exactly_once",),
        requests=10,
    )
    cards = {c.label: c for c in kpi_cards(figures)}
    assert cards["Time to recover (worst)"].value == "not recovered"
    assert cards["Time to recover (worst)"].tone == "bad"
    assert cards["Money invariants"].value == "1 violated"
    assert kpi_cards(None) == []
