"""The run report's Communication, Notifications and Contact centre sections: drawn from the
stored result when the run has the people services' exports, absent without them, and no
exception on partial data (a silent page, nothing sent, nobody called, an older result)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from markupsafe import escape

from harness.cli.commands import judge
from harness.report.html import write_run_report
from tests.report.people_exports import (
    contact_export,
    notifications_export,
    status_export,
    write_exports,
)
from tests.report.runs import HOSTILE, RunSpec, build_run

SECTIONS = ("communication", "notifications", "contact")


def stored(tmp_path: Path, **exports: dict[str, object] | None) -> str:
    """A report run with these people exports (None removes one), judged; its page."""
    folder = build_run(tmp_path, RunSpec("people-report")).run_dir
    write_exports(folder, **exports)
    judge(folder)
    return (folder / "report.html").read_text(encoding="utf-8")


def section(page: str, name: str) -> str:
    start = page.index(f'<section id="{name}">')
    return page[start : page.index("</section>", start)]


def people_charts(page: str) -> list[str]:
    return re.findall(r'<svg class="chart people" role="img" aria-label="([^"]+)"', page)


def every(tmp_path: Path) -> str:
    return stored(tmp_path, status=status_export(), notifications=notifications_export(),
                  contact_centre=contact_export())  # fmt: skip


def test_all_three_sections_with_their_charts_and_contents_links(tmp_path: Path) -> None:
    page = every(tmp_path)
    for name in SECTIONS:
        assert f'<section id="{name}">' in page and f'href="#{name}"' in page
    assert people_charts(page) == [
        "what customers experienced and what they were told",
        "contact centre: callers in the queue and their waits",
    ]
    assert len(set(re.findall(r'\bid="([^"]+)"', page))) == len(re.findall(r'\bid="', page))


def test_communication_lists_every_moment_from_t0_with_the_headline_delays(
    tmp_path: Path,
) -> None:
    """Onset at +5.0 (the fault start: balance fails at once), detected +1.2 s, told +1.5 s,
    notified +2.0 s after it; opened, updated and resolved with their estimates."""
    comms = section(every(tmp_path), "communication")
    values = re.findall(r'<div class="value">([^<]+)</div>', comms)
    assert values == ["1.2 s", "1.5 s", "2.0 s"]
    rows = re.findall(r'<td class="num nowrap">t\+([\d.]+) s</td><td><strong>([^<]+)</strong>',
                      comms)  # fmt: skip
    assert rows == [
        ("5.0", "customers hurt"),
        ("6.2", "detected"),
        ("6.5", "incident opened"),
        ("7.0", "customers notified"),
        ("11.5", "status update"),
        ("15.0", "customers whole again"),
        ("19.0", "resolved"),
    ]
    assert "t+16.5 s" in comms and "t+17.0 s" in comms  # the two estimates of restoration
    assert str(escape(HOSTILE)) in comms and HOSTILE not in comms


def test_notifications_show_coverage_and_what_was_sent(tmp_path: Path) -> None:
    """One affected customer (the run's only one) told 2.8 s after their first failure."""
    notes = section(every(tmp_path), "notifications")
    assert "outage: affected customers" in notes
    cells = re.findall(r'<td class="num">([^<]*)</td>', notes)
    assert cells[:5] == ["1", "1", "100.0 %", "2.8 s", "2.8 s"]
    assert "<td>outage</td><td>sms</td>" in notes


def test_contact_centre_figures(tmp_path: Path) -> None:
    contact = section(every(tmp_path), "contact")
    figures = dict(re.findall(r'<td>([^<]+)</td><td class="num">([^<]*)</td>', contact))
    assert figures["calls"] == "6" and figures["answered"] == "3"
    assert figures["busy signals (line full)"] == "2"
    assert figures["abandoned in the queue"] == "1" and figures["callbacks offered"] == "0"
    assert figures["wait p50"] == "2.5 s" and figures["wait p95"] == "6.0 s"
    assert figures["worst position on joining"] == "17"
    assert figures["agents · queue limit"] == "4 · 20"


def test_no_people_export_no_people_section(tmp_path: Path) -> None:
    page = stored(tmp_path, status=None, notifications=None, contact_centre=None)
    for name in SECTIONS:
        assert f'id="{name}"' not in page and f'href="#{name}"' not in page
    assert people_charts(page) == []


def test_a_silent_bank_and_an_empty_centre_still_render(tmp_path: Path) -> None:
    """No incident, nothing sent, nobody called: the sections say so, no chart of calls."""
    page = stored(tmp_path, status=status_export(incidents=False),
                  notifications=notifications_export(sent=False),
                  contact_centre=contact_export(calls=False))  # fmt: skip
    assert "The status page opened no incident during this run." in page
    assert "The bank sent no notification during this run." in page
    assert "Nobody called the contact centre during this run." in page
    assert section(page, "communication").count(">never<") == 3
    assert people_charts(page) == ["what customers experienced and what they were told"]


def test_only_a_contact_centre_gives_only_its_section(tmp_path: Path) -> None:
    page = stored(tmp_path, status=None, notifications=None, contact_centre=contact_export())
    assert 'id="contact"' in page
    assert 'id="communication"' not in page and 'id="notifications"' not in page


def test_a_misshapen_export_leaves_its_section_out(tmp_path: Path) -> None:
    page = stored(tmp_path, status={"incidents": "many"}, notifications=None,
                  contact_centre=None)  # fmt: skip
    assert 'id="communication"' not in page


def test_a_result_from_before_the_people_figures_renders_without_them(tmp_path: Path) -> None:
    folder = build_run(tmp_path, RunSpec("older-result")).run_dir
    document = json.loads((folder / "result.json").read_text())
    document.pop("people", None)
    (folder / "result.json").write_text(json.dumps(document))
    page = write_run_report(folder).read_text(encoding="utf-8")
    assert 'id="communication"' not in page and 'id="verdict"' in page
