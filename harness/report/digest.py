"""Writes `reports/summary.md`, the suite digest for CI job summaries, and both suite pages.

The digest is Markdown for `$GITHUB_STEP_SUMMARY` and merge-request notes: a headline, then a
verdict table with the mismatches first, each row linking to its run report (relative to the
reports folder). Strings from runs are escaped so a reason cannot break the table or inject
HTML. `write_suite_reports` writes the index and the digest together. Reads suite.json.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from harness.report.index import entry_outcome, read_suite, run_folder_of, write_index

MAX_REASON_CHARS = 240
VERDICT_WORDS = {
    "pass": "✅ pass",
    "fail": "❌ fail",
    "inconclusive": "❔ inconclusive",
    "error": "💥 error",
}
OUTCOME_WORDS = {
    "mismatch": "**✘ MISMATCH**",
    "inconclusive": "❔ inconclusive",
    "as expected": "✔ as expected",
}
ORDER = {"mismatch": 0, "inconclusive": 1, "as expected": 2}


def markdown_cell(text: object, limit: int = MAX_REASON_CHARS) -> str:
    """Text made safe for one Markdown table cell: one line, no pipe, no HTML, bounded."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    for raw, safe in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ("|", "\\|"),
        ("`", "'"),
        ("[", "\\["),
        ("]", "\\]"),
    ):
        flat = flat.replace(raw, safe)
    return flat


def _report_link(entry: dict[str, Any], reports_dir: Path) -> str:
    folder = run_folder_of(entry, reports_dir)
    if folder is None or not (folder / "report.html").is_file():
        return "—"
    target = os.path.relpath((folder / "report.html").resolve(), reports_dir.resolve())
    return f"[report]({target.replace(' ', '%20')})"


def summary_markdown(suite: dict[str, Any], reports_dir: Path) -> str:
    """The digest's text: headline, verdict table with mismatches first, where to look."""
    entries = sorted(
        suite["entries"],
        key=lambda e: (ORDER[entry_outcome(e)], str(e.get("experiment")), str(e.get("profile"))),
    )
    bad = sum(1 for e in entries if entry_outcome(e) == "mismatch")
    unsure = sum(1 for e in entries if entry_outcome(e) == "inconclusive")
    seed = suite.get("seed") if suite.get("seed") is not None else "per experiment"
    headline = (
        f"❌ {bad} of {len(entries)} runs not as expected"
        if bad
        else f"❔ {unsure} of {len(entries)} runs inconclusive, the rest as expected"
        if unsure
        else f"✅ all {len(entries)} runs as expected"
    )
    lines = [
        f"## Bank chaos suite: {headline}",
        "",
        f"Started {markdown_cell(suite.get('started_at', '?'))} · time scale "
        f"{markdown_cell(suite.get('time_scale', '?'))} · runtime "
        f"{markdown_cell(suite.get('runtime', '?'))} · seed "
        f"{markdown_cell(seed)}",
        "",
        "| outcome | experiment | profile | expected | actual | reason | report |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in entries:
        outcome = OUTCOME_WORDS[entry_outcome(e)]
        lines.append(
            f"| {outcome} | {markdown_cell(e.get('experiment', '?'))} "
            f"| {markdown_cell(e.get('profile', '?'))} "
            f"| {VERDICT_WORDS.get(str(e.get('expected')), markdown_cell(e.get('expected')))} "
            f"| {VERDICT_WORDS.get(str(e.get('actual')), markdown_cell(e.get('actual')))} "
            f"| {markdown_cell(e.get('reason', ''))} | {_report_link(e, reports_dir)} |"
        )
    lines += [
        "",
        "Open `index.html` in the reports artefact for charts, timelines and invariants.",
        "",
    ]
    return "\n".join(lines)


def write_summary(reports_dir: Path) -> Path:
    """Write `reports_dir/summary.md` from suite.json; returns its path."""
    path = reports_dir / "summary.md"
    path.write_text(summary_markdown(read_suite(reports_dir), reports_dir), encoding="utf-8")
    return path


def write_suite_reports(reports_dir: Path) -> tuple[Path, Path]:
    """Write index.html and summary.md for the suite in reports_dir: (index, summary)."""
    return write_index(reports_dir), write_summary(reports_dir)
