"""Charts as inline SVG text: a journey's rate, errors and latency over time, and small marks.

`journey_chart` draws one figure of three stacked panels with matplotlib (no pyplot, no
display: a bare `Figure` saved through the SVG backend), phases shaded as bands and timeline
actions as labelled vertical lines. `sparkline` and `history_bars` are tiny hand-written SVGs
for the suite index. Colours are the Okabe-Ito palette, and every line also differs by style,
so the charts survive colour blindness and greyscale printing. This module draws what it is
given; it computes no metric and reads no file.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator

from harness.metrics.timeseries import ChartSeries

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
PHASE_COLOURS = {"fault": OKABE_ITO["vermillion"], "recovery": OKABE_ITO["sky"]}
_SVG_HEADER = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_SVG_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class Band:
    """A phase to shade: name and span in seconds from the run's start."""

    name: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Marker:
    """A timeline action to mark: short label (A1), when, and whether the step failed."""

    label: str
    offset_s: float
    failed: bool = False


def _nan(values: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else v for v in values]


def _middles(series: ChartSeries) -> list[float]:
    """Each point drawn at the middle of the seconds it summarises."""
    return [x + series.bucket_s / 2 for x in series.offset_s]


def _clock(total_s: float) -> FuncFormatter:
    def label(x: float, _pos: int) -> str:
        if total_s <= 180:
            return f"{x:.0f} s"
        return f"{int(x) // 60}:{int(x) % 60:02d}"

    return FuncFormatter(label)


def _shade(axes: Sequence[Axes], bands: Sequence[Band], markers: Sequence[Marker]) -> None:
    for ax in axes:
        for band in bands:
            colour = PHASE_COLOURS.get(band.name)
            if colour is not None:
                ax.axvspan(band.start_s, band.end_s, color=colour, alpha=0.12, lw=0)
        for marker in markers:
            colour = OKABE_ITO["vermillion"] if marker.failed else "#444444"
            ax.axvline(marker.offset_s, color=colour, lw=1.0, ls=(0, (4, 2)))


def _annotate(ax: Axes, bands: Sequence[Band], markers: Sequence[Marker]) -> None:
    """Phase names above the plot, action labels just below them, staggered when close."""
    transform = ax.get_xaxis_transform()
    for band in bands:
        ax.text(
            (band.start_s + band.end_s) / 2,
            1.16,
            band.name,
            transform=transform,
            ha="center",
            va="bottom",
            fontsize=8.5,
            color="#333333",
        )
    last_x, level = -math.inf, 0
    span = max((b.end_s for b in bands), default=1.0) or 1.0
    for marker in markers:
        level = level + 1 if (marker.offset_s - last_x) < span * 0.06 else 0
        last_x = marker.offset_s
        colour = OKABE_ITO["vermillion"] if marker.failed else "#222222"
        text = f"{marker.label} ✗" if marker.failed else marker.label
        ax.text(
            marker.offset_s,
            1.02 + 0.07 * (level % 2),
            text,
            transform=transform,
            ha="center",
            va="bottom",
            fontsize=8,
            color=colour,
            fontweight="bold",
        )


def _latency_panel(ax: Axes, series: ChartSeries) -> None:
    styles = (
        ("p99", series.p99_ms, OKABE_ITO["purple"], "-", 1.8),
        ("p95", series.p95_ms, OKABE_ITO["orange"], "--", 1.3),
        ("p50", series.p50_ms, OKABE_ITO["green"], ":", 1.3),
    )
    has_data = any(v is not None and v > 0 for _, vals, *_ in styles for v in vals)
    for name, values, colour, style, width in styles:
        ax.plot(_middles(series), _nan(values), color=colour, ls=style, lw=width, label=name)
    if has_data:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylabel("latency (ms)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=8, frameon=False)


def journey_chart(
    series: ChartSeries, bands: Sequence[Band], markers: Sequence[Marker], chart_id: str
) -> str:
    """Three panels (request rate, error rate, latency) as an SVG element string."""
    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": chart_id,
            "font.family": "sans-serif",
            "font.size": 8.5,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        fig = Figure(figsize=(9.0, 5.6))
        fig.subplots_adjust(left=0.08, right=0.92, top=0.9, bottom=0.09, hspace=0.12)
        rate_ax, error_ax, latency_ax = fig.subplots(
            3, 1, sharex=True, height_ratios=(1.0, 1.0, 1.4)
        )
        rate_ax.plot(_middles(series), series.request_rate_rps, color=OKABE_ITO["blue"], lw=1.4)
        rate_ax.set_ylabel("requests/s")
        rate_ax.set_ylim(bottom=0)
        error_ax.plot(
            _middles(series), _nan(series.error_rate_pct), color=OKABE_ITO["vermillion"], lw=1.4
        )
        error_ax.set_ylabel("errors (%)")
        error_ax.set_ylim(-2, 102)
        _latency_panel(latency_ax, series)
        end_s = max((b.end_s for b in bands), default=series.offset_s[-1] if len(series) else 1.0)
        last_mark_s = max((m.offset_s for m in markers), default=0.0)
        latency_ax.set_xlim(0, max(end_s, last_mark_s + 0.02 * end_s))
        latency_ax.xaxis.set_major_formatter(_clock(end_s))
        per_point = f" ({series.bucket_s} s per point)" if series.bucket_s > 1 else ""
        latency_ax.set_xlabel("time since the run started" + per_point)
        for ax in (rate_ax, error_ax, latency_ax):
            ax.grid(axis="y", color="#dddddd", lw=0.6)
        _shade((rate_ax, error_ax, latency_ax), bands, markers)
        _annotate(rate_ax, bands, markers)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return inline_svg(
        buffer.getvalue(), f"{series.label}: request rate, error rate and latency", chart_id
    )


def inline_svg(document: str, title: str, id_prefix: str = "") -> str:
    """An SVG document reduced to its <svg> element: labelled, resizable, ids made unique.

    Every id (and every `#id` reference to it) gets `id_prefix`, so several charts inlined in
    one page never share an id (matplotlib numbers its groups from 1 in every figure).
    """
    body = _SVG_COMMENT.sub("", _SVG_HEADER.sub("", document, count=1))
    if id_prefix:
        slug = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix)
        body = re.sub(r'\bid="([^"]+)"', rf'id="{slug}-\1"', body)
        body = re.sub(r"url\(#([^)]+)\)", rf"url(#{slug}-\1)", body)
        body = re.sub(r'href="#([^"]+)"', rf'href="#{slug}-\1"', body)
    head = f'<svg class="chart" role="img" aria-label="{escape(title)}"'
    body = re.sub(r"<svg\b", head, body, count=1)
    for _ in range(2):
        body = re.sub(r'(<svg[^>]*?)\s(width|height)="[^"]*"', r"\1", body, count=1)
    return body


def sparkline(
    values: Sequence[float | None],
    title: str,
    *,
    fault: tuple[float, float] | None = None,
    width: int = 120,
    height: int = 28,
    top: float = 100.0,
) -> str:
    """A tiny line of values in [0, top] (e.g. error rate %), the fault span shaded."""
    n = len(values)
    pad = 2.0

    def x(i: float) -> float:
        return pad + (width - 2 * pad) * (i / max(1, n - 1))

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * min(max(v, 0.0), top) / top

    band = ""
    if fault is not None and n > 1:
        x0, x1 = x(fault[0]), x(min(fault[1], n - 1))
        band = (
            f'<rect x="{x0:.1f}" y="0" width="{max(0.0, x1 - x0):.1f}" height="{height}" '
            f'fill="{PHASE_COLOURS["fault"]}" fill-opacity="0.15"/>'
        )
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values) if v is not None)
    line = (
        (
            f'<polyline points="{points}" fill="none" stroke="{OKABE_ITO["vermillion"]}" '
            f'stroke-width="1.4" stroke-linejoin="round"/>'
        )
        if points
        else ""
    )
    return (
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<line x1="0" y1="{height - pad}" x2="{width}" y2="{height - pad}" stroke="#cccccc"/>'
        f"{band}{line}</svg>"
    )


def history_bars(
    runs: Sequence[tuple[str, int, int]], *, height: int = 60, bar_px: int = 14
) -> str:
    """Stacked bars per suite run (label, matched, mismatched): matched below, mismatched above."""
    gap = 4
    width = max(1, len(runs)) * (bar_px + gap) + gap
    tallest = max((m + x for _, m, x in runs), default=1) or 1
    bars = []
    for i, (label, matched, mismatched) in enumerate(runs):
        left = gap + i * (bar_px + gap)
        ok_h = (height - 2) * matched / tallest
        bad_h = (height - 2) * mismatched / tallest
        tip = escape(f"{label}: {matched} as expected, {mismatched} mismatched")
        bars.append(
            f"<g><title>{tip}</title>"
            f'<rect x="{left}" y="{height - ok_h:.1f}" width="{bar_px}" height="{ok_h:.1f}" '
            f'fill="{OKABE_ITO["green"]}"/>'
            f'<rect x="{left}" y="{height - ok_h - bad_h:.1f}" width="{bar_px}" '
            f'height="{bad_h:.1f}" fill="{OKABE_ITO["vermillion"]}"/></g>'
        )
    return (
        f'<svg class="history" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" '
        'aria-label="matched and mismatched entries per suite run">' + "".join(bars) + "</svg>"
    )
