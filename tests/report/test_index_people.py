"""The suite index shows the people checks of each run (comms, notify, detect, support) as one
badge per kind, with the failing ids in the tooltip, and no column when no run has them."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from harness.analysis.assessment import RunOutcome
from harness.cli.commands import judge
from harness.report.index import write_index
from tests.report.people_exports import contact_export, status_export, write_exports
from tests.report.runs import RunSpec, build_run

BARS = """\
comms:
  first_update_within_s: 5
  components_shown: true
detect:
  availability_within_s: 1
support:
  busy_pct: 10
"""


def judged(runs: Path, run_id: str, *, bars: bool) -> RunOutcome:
    folder = build_run(runs, RunSpec(run_id)).run_dir
    if bars:
        experiment = folder / "demo-core-crash.yaml"
        experiment.write_text(experiment.read_text() + BARS)
    write_exports(folder, status=status_export(), contact_centre=contact_export())
    return judge(folder)


def suite(root: Path, outcomes: list[RunOutcome]) -> str:
    entries = [{"experiment": o.experiment, "profile": o.profile, "expected": o.expected,
                "actual": o.actual, "matched": o.matched, "reason": o.reason,
                "run_dir": str(o.run_dir)} for o in outcomes]  # fmt: skip
    (root / "suite.json").write_text(json.dumps({"started_at": "2027-01-01T00:00:00+00:00",
                                                 "seed": None, "entries": entries}))  # fmt: skip
    return write_index(root).read_text(encoding="utf-8")


def badges(page: str) -> list[tuple[str, str, str]]:
    """(status class, text, tooltip) of every people badge."""
    found = re.findall(r'<span class="badge (\w+)" title="([^"]*)">([^<]+)</span>', page)
    return [(status, " ".join(text.split()), html.unescape(title)) for status, title, text in found]


def test_each_people_kind_is_one_badge_with_the_failing_ids(tmp_path: Path) -> None:
    """comms passes (told 1.5 s after onset, balances named), detect fails (1.2 s against a
    1 s bar), support fails (2 of 6 calls busy against 10 %)."""
    page = suite(tmp_path, [judged(tmp_path / "runs", "with-bars", bars=True)])
    assert "<th>people checks</th>" in page
    found = badges(page)
    assert [(s, t) for s, t, _ in found] == [
        ("pass", "✔ comms 2/2"),
        ("fail", "✘ detect 0/1"),
        ("fail", "✘ support 0/1"),
    ]
    assert found[0][2] == "all 2 comms checks passed"
    assert found[1][2].startswith("detect:availability:time fail: availability detected 1.2 s")
    assert found[2][2].startswith("support:busy fail: 2 of 6 calls")


def test_no_column_when_no_run_has_people_checks(tmp_path: Path) -> None:
    page = suite(tmp_path, [judged(tmp_path / "runs", "no-bars", bars=False)])
    assert "people checks" not in page and badges(page) == []
