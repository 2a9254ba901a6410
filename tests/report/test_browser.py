"""The run report and the suite index in headless Chromium: no errors, every chart drawn."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.report.digest import write_suite_reports
from tests.report.chromium import Chromium, available
from tests.report.conftest import FRAGILE_NEW, Reports

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/report-screenshots")
SVG_BOXES = """JSON.stringify([...document.querySelectorAll('svg')].map(s => {
  const r = s.getBoundingClientRect();
  return {cls: s.getAttribute('class'), w: r.width, h: r.height,
          marks: s.querySelectorAll('path, polyline, rect').length};
}))"""


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Chromium]:
    """A fresh Chromium; missing binary fails under CI, skips elsewhere."""
    if not available():
        message = "/usr/bin/chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with Chromium(tmp_path / "profile") as chromium:
        yield chromium


def _keep(shot: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, SHOTS / shot.name)


def _rendered_svgs(browser: Chromium) -> list[dict[str, object]]:
    return list(json.loads(browser.evaluate(SVG_BOXES)))


def test_run_report_renders_every_chart_without_errors(
    browser: Chromium, reports: Reports, tmp_path: Path
) -> None:
    """All charts have a visible box and drawn marks; the console stays clean."""
    browser.open(reports.run(FRAGILE_NEW) / "report.html")
    charts = [s for s in _rendered_svgs(browser) if s["cls"] == "chart"]
    assert len(charts) == 3
    assert all(float(c["w"]) > 300 and float(c["h"]) > 150 for c in charts), charts  # type: ignore[arg-type]
    assert all(int(c["marks"]) > 20 for c in charts), charts  # type: ignore[call-overload]
    assert browser.evaluate("document.title").startswith("FAIL")
    assert browser.errors == []
    shot = browser.screenshot(tmp_path / "run-report.png")
    assert shot.stat().st_size > 50_000
    _keep(shot)


def test_index_renders_sparklines_and_trend_without_errors(
    browser: Chromium, reports: Reports, tmp_path: Path
) -> None:
    """Sparklines and the history bars have boxes; the console stays clean."""
    index, _summary = write_suite_reports(reports.root)
    browser.open(index)
    svgs = _rendered_svgs(browser)
    sparks = [s for s in svgs if s["cls"] == "spark"]
    history = [s for s in svgs if s["cls"] == "history"]
    assert len(sparks) == 2 and len(history) == 1
    assert all(float(s["w"]) > 50 and float(s["h"]) > 10 for s in sparks + history)  # type: ignore[arg-type]
    assert browser.evaluate("document.title") == "1 mismatched · bank chaos suite"
    assert browser.errors == []
    shot = browser.screenshot(tmp_path / "suite-index.png")
    _keep(shot)
