"""Writes `reports/index.html`: the latest suite at a glance and the trend of past suites.

Reads `reports/suite.json` (written by `harness.cli.suite`), each listed run's `result.json`
(figures and the error-rate sparkline series) and `reports/history.jsonl`. One row per
experiment x profile with expected and actual verdicts in colour *and* words, key figures, a
badge per people check kind the run has (comms, notify, detect, support: its worst status and
how many passed, the failing ids in its tooltip), a sparkline and a relative link to the run's
report. Writes only index.html.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from harness.errors import ConfigError
from harness.report.charts import history_bars, sparkline
from harness.report.pages import render
from harness.report.runfolder import RunFolder, read_run_folder
from harness.report.scorecard import KPIS, formatted, read_kpi

PEOPLE_KINDS = ("comms", "notify", "detect", "support")
"""Check kinds of the people half, shown per row as one badge each."""
HISTORY_BARS = 40
HISTORY_ROWS = 12
INDEX_KPIS = ("availability", "ttr", "budget", "invariants")


@dataclass(frozen=True)
class KindBadge:
    """One check kind of a run: its worst status, how many of its checks passed, which failed."""

    kind: str
    status: str
    passed: int
    total: int
    title: str


@dataclass(frozen=True)
class SuiteRow:
    experiment: str
    profile: str
    expected: str
    actual: str
    outcome: str
    reason: str
    link: str | None
    figures: tuple[tuple[str, str], ...]
    spark: Markup
    people: tuple[KindBadge, ...] = ()

    @property
    def matched(self) -> bool:
        return self.outcome == "as expected"


@dataclass(frozen=True)
class SuiteRun:
    started_at: str
    entries: int
    matched: int
    inconclusive: int
    time_scale: object
    runtime: object

    @property
    def mismatched(self) -> int:
        return self.entries - self.matched - self.inconclusive


def entry_outcome(entry: dict[str, Any]) -> str:
    """`as expected`, `mismatch` or `inconclusive`, as the suite recorded it."""
    if entry.get("matched"):
        return "as expected"
    return str(entry.get("outcome") or "mismatch")


def read_suite(reports_dir: Path) -> dict[str, Any]:
    """The latest suite document; ConfigError naming the file when it is missing or broken."""
    path = reports_dir / "suite.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"{path}: cannot read the suite (run `harness suite` first): {exc}"
        ) from exc
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise ConfigError(f"{path}: not a suite document (no 'entries' list)")
    return document


def read_history(reports_dir: Path) -> list[SuiteRun]:
    """Past suites from history.jsonl, oldest first; unreadable lines are skipped."""
    path = reports_dir / "history.jsonl"
    if not path.is_file():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            suite = json.loads(line)
            entries = suite["entries"]
            runs.append(
                SuiteRun(
                    str(suite.get("started_at", "?")),
                    len(entries),
                    sum(1 for e in entries if e.get("matched")),
                    sum(1 for e in entries if entry_outcome(e) == "inconclusive"),
                    suite.get("time_scale"),
                    suite.get("runtime"),
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return runs


def run_folder_of(entry: dict[str, Any], reports_dir: Path) -> Path | None:
    """Where an entry's run folder is: as recorded, or under reports/runs/ by its name."""
    recorded = entry.get("run_dir")
    if not recorded:
        return None
    for candidate in (Path(recorded), reports_dir / "runs" / Path(recorded).name):
        if (candidate / "result.json").is_file():
            return candidate
    return None


def _spark(run: RunFolder) -> Markup:
    series, schedule = run.result.spark, run.result.record.schedule
    if series is None or schedule is None:
        return Markup("")
    fault = schedule.phase("fault")
    span = (
        None if fault is None else (fault.start_s / series.bucket_s, fault.end_s / series.bucket_s)
    )
    title = f"error rate over the run, {run.experiment} [{run.profile}]"
    return Markup(sparkline(series.error_rate_pct, title, fault=span))  # generated SVG


def kind_badges(run: RunFolder, kinds: tuple[str, ...] = PEOPLE_KINDS) -> tuple[KindBadge, ...]:
    """A badge per kind the run has checks of: fail if one failed, else unknown if one was."""
    badges = []
    for kind in kinds:
        checks = run.result.checks_of(kind)
        if not checks:
            continue
        statuses = {c.status for c in checks}
        worst = next(s for s in ("fail", "unknown", "pass") if s in statuses)
        named = [f"{c.id} {c.status}: {c.reason}" for c in checks if c.status != "pass"]
        passed = sum(1 for c in checks if c.status == "pass")
        title = "\n".join(named) or f"all {len(checks)} {kind} checks passed"
        badges.append(KindBadge(kind, worst, passed, len(checks), title))
    return tuple(badges)


def _readable(folder: Path | None) -> RunFolder | None:
    """The run in `folder`, or None when it is gone or written by another schema version."""
    if folder is None:
        return None
    try:
        return read_run_folder(folder)
    except ConfigError:
        return None


def suite_row(entry: dict[str, Any], reports_dir: Path) -> SuiteRow:
    """One index row; figures and sparkline are empty when the run folder is gone."""
    folder = run_folder_of(entry, reports_dir)
    run = _readable(folder)
    kpis = run.result.kpis if run is not None else None
    figures = tuple(
        (k.label, formatted(read_kpi(k, kpis), k.unit)) for k in KPIS if k.key in INDEX_KPIS
    )
    link = None
    if folder is not None and (folder / "report.html").is_file():
        link = os.path.relpath((folder / "report.html").resolve(), reports_dir.resolve())
    return SuiteRow(
        str(entry.get("experiment", "?")),
        str(entry.get("profile", "?")),
        str(entry.get("expected", "?")),
        str(entry.get("actual", "?")),
        entry_outcome(entry),
        str(entry.get("reason", "")),
        link,
        figures,
        _spark(run) if run is not None else Markup(""),
        kind_badges(run) if run is not None else (),
    )


def write_index(reports_dir: Path) -> Path:
    """Render `reports_dir/index.html` from suite.json and history.jsonl; returns its path."""
    suite = read_suite(reports_dir)
    rows = [suite_row(e, reports_dir) for e in suite["entries"]]
    history = read_history(reports_dir)
    recent = history[-HISTORY_BARS:]
    bars = history_bars([(h.started_at, h.matched, h.mismatched) for h in recent])
    path = reports_dir / "index.html"
    path.write_text(
        render(
            "index.html",
            suite=suite,
            rows=rows,
            mismatched=sum(1 for r in rows if r.outcome == "mismatch"),
            inconclusive=sum(1 for r in rows if r.outcome == "inconclusive"),
            history=list(reversed(history[-HISTORY_ROWS:])),
            history_total=len(history),
            history_svg=Markup(bars),  # generated SVG
            kpi_labels=[k.label for k in KPIS if k.key in INDEX_KPIS],
            people_column=any(r.people for r in rows),
        ),
        encoding="utf-8",
    )
    return path
