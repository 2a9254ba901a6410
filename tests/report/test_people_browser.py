"""The run report's people sections in headless Chromium: both charts drawn with a visible box
and marks, the console clean; screenshots of the Communication and Contact centre sections are
kept in /tmp/report-screenshots for a reader to look at."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.cli.commands import judge
from tests.report.chromium import Chromium
from tests.report.people_exports import (
    contact_export,
    notifications_export,
    status_export,
    write_exports,
)
from tests.report.runs import RunSpec, build_run
from tests.report.test_browser import SHOTS, SVG_BOXES, browser

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture, shared with test_browser


def test_people_sections_render_their_charts_without_errors(
    browser: Chromium, tmp_path: Path
) -> None:
    folder = build_run(tmp_path / "runs", RunSpec("people-in-chromium")).run_dir
    write_exports(folder, status=status_export(), notifications=notifications_export(),
                  contact_centre=contact_export())  # fmt: skip
    judge(folder)
    browser.open(folder / "report.html")
    svgs = json.loads(browser.evaluate(SVG_BOXES))
    people = [s for s in svgs if s["cls"] == "chart people"]
    assert len(people) == 2
    assert all(float(s["w"]) > 300 and float(s["h"]) > 150 for s in people), people
    assert all(int(s["marks"]) > 10 for s in people), people
    assert browser.errors == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name in ("communication", "notifications", "contact"):
        shot = browser.screenshot_of(f"#{name}", tmp_path / f"people-{name}.png")
        assert shot.stat().st_size > 10_000
        shutil.copy(shot, SHOTS / shot.name)
