"""The people half's charts as inline SVG: the communication timeline and the contact centre.

`communication_chart` draws what customers experienced (the banking journeys' availability per
second) above three lanes of what the bank did about it (detected, status page, notified), with
impact onset and whole again as vertical lines across both. `contact_chart` draws the callers
on hold (with the queue's limit, the busy signals and the callbacks offered on it) above each
call's wait by outcome. Same machinery and look as `charts.journey_chart`: a bare matplotlib
`Figure` through the SVG backend, phases shaded, Okabe-Ito colours, and every series also told
apart by marker or line style; their `<svg>` is of class `chart people`. Draws what it is
given; computes no figure and reads no file.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from contextlib import AbstractContextManager

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from harness.metrics.comms_timeline import CommsTimeline, MomentKind
from harness.metrics.contact import ContactFigures
from harness.report.charts import OKABE_ITO, PHASE_COLOURS, Band, inline_svg

LANES = ("notified", "status page", "detected")
"""Bottom to top in the lower panel of the communication chart."""
MOMENT_STYLE: dict[MomentKind, tuple[str, str, str, float]] = {
    "detection": ("detected", "^", OKABE_ITO["orange"], 7.0),
    "opened": ("status page", "o", OKABE_ITO["vermillion"], 8.0),
    "update": ("status page", "|", OKABE_ITO["black"], 11.0),
    "resolved": ("status page", "s", OKABE_ITO["green"], 7.5),
    "notification": ("notified", "D", OKABE_ITO["purple"], 6.5),
}
"""Moment -> (lane, marker, colour, size)."""
MOMENT_WORDS: dict[MomentKind, str] = {
    "detection": "detection",
    "opened": "incident opened",
    "update": "status update",
    "resolved": "resolved",
    "notification": "notifications sent",
}
OUTCOME_STYLE = {
    "answered": ("o", OKABE_ITO["green"]),
    "abandoned": ("x", OKABE_ITO["vermillion"]),
    "queued": (".", "#777777"),
}


def _style(chart_id: str) -> AbstractContextManager[None]:
    """The look of every chart of the report (as `charts.journey_chart`), ids salted."""
    return matplotlib.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": chart_id,
            "font.family": "sans-serif",
            "font.size": 8.5,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def _clock(total_s: float) -> FuncFormatter:
    def label(x: float, _pos: int) -> str:
        return f"{x:.0f} s" if total_s <= 180 else f"{int(x) // 60}:{int(x) % 60:02d}"

    return FuncFormatter(label)


def _shade(axes: Sequence[Axes], bands: Sequence[Band]) -> None:
    for ax in axes:
        for band in bands:
            colour = PHASE_COLOURS.get(band.name)
            if colour is not None:
                ax.axvspan(band.start_s, band.end_s, color=colour, alpha=0.12, lw=0)


def _phase_names(ax: Axes, bands: Sequence[Band]) -> None:
    transform = ax.get_xaxis_transform()
    for band in bands:
        middle = (band.start_s + band.end_s) / 2
        ax.text(middle, 1.03, band.name, transform=transform, ha="center", va="bottom",
                fontsize=8.5, color="#333333")  # fmt: skip


def _x_axis(ax: Axes, bands: Sequence[Band], last_s: float) -> None:
    end_s = max((b.end_s for b in bands), default=max(last_s, 1.0))
    ax.set_xlim(0, max(end_s, last_s))
    ax.xaxis.set_major_formatter(_clock(end_s))
    ax.set_xlabel("time since the run started")


def _legends(axes: Sequence[Axes]) -> None:
    """A legend right of each panel that has labelled marks."""
    for ax in axes:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=7.5, frameon=False)


def _svg(fig: Figure, title: str, chart_id: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = inline_svg(buffer.getvalue(), title, chart_id)
    return svg.replace('<svg class="chart"', '<svg class="chart people"', 1)


def _customer_lines(axes: Sequence[Axes], timeline: CommsTimeline) -> None:
    for offset, colour, style in (
        (timeline.impact_onset_s, OKABE_ITO["vermillion"], (0, (4, 2))),
        (timeline.whole_again_s, OKABE_ITO["green"], (0, (1, 1.5))),
    ):
        if offset is not None:
            for ax in axes:
                ax.axvline(offset, color=colour, lw=1.3, ls=style)


def _lanes(ax: Axes, timeline: CommsTimeline) -> None:
    for moment, (lane, marker, colour, size) in MOMENT_STYLE.items():
        found = timeline.of(moment)
        if not found:
            continue
        at = [m.offset_s for m in found]
        words = MOMENT_WORDS[moment]
        if moment == "notification":
            reached = sum(m.recipients or 0 for m in found)
            words += f"\n({reached} recipient{'' if reached == 1 else 's'})"
        ax.plot(at, [LANES.index(lane)] * len(at), ls="none", marker=marker, color=colour,
                ms=size, mew=1.6, label=words)  # fmt: skip
    ax.set_yticks(range(len(LANES)), LANES)
    ax.set_ylim(-0.7, len(LANES) - 0.3)
    ax.grid(axis="y", color="#eeeeee", lw=0.6)


def communication_chart(timeline: CommsTimeline, bands: Sequence[Band], chart_id: str) -> str:
    """Availability of the banking journeys over what the bank detected, said and sent."""
    with _style(chart_id):
        fig = Figure(figsize=(9.0, 4.4))
        fig.subplots_adjust(left=0.1, right=0.77, top=0.92, bottom=0.12, hspace=0.1)
        seen_ax, said_ax = fig.subplots(2, 1, sharex=True, height_ratios=(1.5, 1.0))
        middles = [x + timeline.bucket_s / 2 for x in timeline.offset_s]
        available = [math.nan if v is None else v for v in timeline.availability_pct]
        seen_ax.plot(middles, available, color=OKABE_ITO["blue"], lw=1.5,
                     label="banking journeys\navailable")  # fmt: skip
        seen_ax.set_ylabel("available (%)")
        seen_ax.set_ylim(-2, 102)
        seen_ax.grid(axis="y", color="#dddddd", lw=0.6)
        _lanes(said_ax, timeline)
        _shade((seen_ax, said_ax), bands)
        _customer_lines((seen_ax, said_ax), timeline)
        seen_ax.plot([], [], color=OKABE_ITO["vermillion"], ls=(0, (4, 2)), label="impact onset")
        seen_ax.plot([], [], color=OKABE_ITO["green"], ls=(0, (1, 1.5)), label="whole again")
        _phase_names(seen_ax, bands)
        last = max((m.offset_s for m in timeline.moments), default=0.0)
        _x_axis(said_ax, bands, last)
        _legends((seen_ax, said_ax))
        return _svg(fig, "what customers experienced and what they were told", chart_id)


def _queue_panel(ax: Axes, figures: ContactFigures) -> None:
    ax.step(figures.offset_s, figures.waiting_callers, where="post", color=OKABE_ITO["blue"],
            lw=1.4, label="callers on hold")  # fmt: skip
    ax.axhline(figures.queue_max, color="#555555", lw=1.0, ls=(0, (4, 2)),
               label=f"queue full ({figures.queue_max})")  # fmt: skip
    for outcome, marker, colour, words in (
        ("busy", "|", OKABE_ITO["vermillion"], "busy signal"),
        ("callback", "D", OKABE_ITO["blue"], "callback offered"),
    ):
        at = [p.offset_s for p in figures.points if p.outcome == outcome]
        if at:
            ax.plot(at, [figures.queue_max] * len(at), ls="none", marker=marker, ms=12 if
                    marker == "|" else 5, mew=1.5, color=colour, label=words)  # fmt: skip
    ax.set_ylabel("in the queue")
    ax.set_ylim(bottom=0, top=max(figures.queue_max, max(figures.waiting_callers, default=0)) + 2)
    ax.grid(axis="y", color="#dddddd", lw=0.6)


def _wait_panel(ax: Axes, figures: ContactFigures) -> None:
    for outcome, (marker, colour) in OUTCOME_STYLE.items():
        found = [(p.offset_s, p.wait_s) for p in figures.points
                 if p.outcome == outcome and p.wait_s is not None]  # fmt: skip
        if found:
            ax.plot([x for x, _ in found], [y for _, y in found], ls="none",
                    marker=marker, ms=4.5, mew=1.2, color=colour, label=outcome)  # fmt: skip
    ax.set_ylabel("wait (s)")
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="#dddddd", lw=0.6)


def contact_chart(figures: ContactFigures, bands: Sequence[Band], chart_id: str) -> str:
    """Callers in the queue (and busy signals) over each call's wait, by outcome."""
    with _style(chart_id):
        fig = Figure(figsize=(9.0, 4.2))
        fig.subplots_adjust(left=0.1, right=0.77, top=0.92, bottom=0.12, hspace=0.12)
        queue_ax, wait_ax = fig.subplots(2, 1, sharex=True)
        _queue_panel(queue_ax, figures)
        _wait_panel(wait_ax, figures)
        _shade((queue_ax, wait_ax), bands)
        _phase_names(queue_ax, bands)
        _x_axis(wait_ax, bands, max((p.offset_s for p in figures.points), default=0.0))
        _legends((queue_ax, wait_ax))
        return _svg(fig, "contact centre: callers in the queue and their waits", chart_id)
